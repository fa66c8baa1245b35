// Tail sampling end to end: an OTel SDK sends 10,000 traces (2 % errors, 3 % slow, the rest normal)
// over OTLP/gRPC through status_code + latency + probabilistic 10 % to a sink. Every error and slow
// trace arrives whole, about 10 % of the rest, and the adjusted counts of kept roots add up to 10,000.
import { join } from 'node:path';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { toHex } from '../../agent/pdata/hex.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import type { TailSampler } from '../../processors/tail_sampling/tail_sampling.js';
import { tempDir } from '../kit/config.js';
import { createSink } from '../kit/sink.js';
import { until } from '../kit/until.js';

const TRACES = 10_000;
/** 2^56 / golden ratio, odd: i·G mod 2^56 spreads the randomness of consecutive traces evenly. */
const G = 0x9e3779b97f4a7dn;

/**
 * Trace ids whose low 56 bits (the OTEP 235 randomness) follow a low-discrepancy sequence, so the
 * share the probabilistic policy keeps carries no binomial noise and the check below tests the
 * estimator's bias, not luck. The high bytes count traces.
 */
class EvenIds implements IdGenerator {
  private n = 0n;
  private s = 0n;
  generateTraceId(): string {
    this.n++;
    const r = (this.n * G) & 0xffffffffffffffn;
    return this.n.toString(16).padStart(18, '0') + r.toString(16).padStart(14, '0');
  }
  generateSpanId(): string {
    return (++this.s).toString(16).padStart(16, '0');
  }
}

type Kind = 'error' | 'slow' | 'normal';

describe('tail_sampling with the OTel SDK', () => {
  it('keeps every error and slow trace whole, ~10 % of the rest, and adjusted counts of kept roots estimate the 10,000', async () => {
    const sink = createSink();
    const agent = await Agent.start({
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: {
        tail_sampling: {
          decision_wait: '200ms',
          policies: [
            { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
            { name: 'slow', type: 'latency', latency: { threshold_ms: 500 } },
            { name: 'rest', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } },
          ],
        },
        batch: { timeout: '20ms' },
      },
      exporters: { sink: {} },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['tail_sampling', 'batch'], exporters: ['sink'] } } },
    }, { factories: [sink.factory] });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      idGenerator: new EvenIds(),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc}` }),
        { maxQueueSize: 4 * TRACES, maxExportBatchSize: 1000, scheduledDelayMillis: 20 })],
    });
    const tracer = provider.getTracer('e2e');
    const kinds = new Map<string, Kind>();
    const t0 = Date.now();
    try {
      for (let i = 0; i < TRACES; i++) {
        const kind: Kind = i % 100 < 2 ? 'error' : i % 100 < 5 ? 'slow' : 'normal';
        const start = t0 + i; // explicit times: a slow trace takes 800 ms of span time, not of test time
        const root = tracer.startSpan('GET /cart', { startTime: start, kind: 1 });
        kinds.set(root.spanContext().traceId, kind);
        const ctx = trace.setSpan(context.active(), root);
        const db = tracer.startSpan('SELECT cart', { startTime: start + 1 }, ctx);
        db.end(start + 5);
        const call = tracer.startSpan('GET /prices', { startTime: start + 5 }, ctx);
        if (kind === 'error') call.setStatus({ code: SpanStatusCode.ERROR, message: 'prices unavailable' });
        call.end(start + 20);
        root.end(start + (kind === 'slow' ? 800 : 30));
        if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
      }
      await provider.forceFlush();
      const sampler = agent.component<TailSampler>('processor', 'tail_sampling', 'traces')!;
      await until(() => sampler.tracesInMemory === 0 && sampler.stats.decided >= TRACES, 20_000, 'every trace decided');
      await new Promise((r) => setTimeout(r, 100)); // the last batch timeout

      const spans = sink.received.traces.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
      const perTrace = new Map<string, number>();
      for (const s of spans) perTrace.set(toHex(s.traceId), (perTrace.get(toHex(s.traceId)) ?? 0) + 1);
      const keptOf = (k: Kind) => [...kinds].filter(([id, kind]) => kind === k && perTrace.has(id));
      const wanted = (k: Kind) => [...kinds.values()].filter((kind) => kind === k).length;
      // every error and slow trace, whole
      expect(keptOf('error')).toHaveLength(wanted('error'));
      expect(keptOf('slow')).toHaveLength(wanted('slow'));
      for (const [id, kind] of kinds) if (kind !== 'normal') expect(perTrace.get(id)).toBe(3);
      // ~10 % of the rest, each whole
      const normal = keptOf('normal').length;
      expect(Math.abs(normal / wanted('normal') - 0.1)).toBeLessThan(0.01);
      expect([...perTrace.values()].every((n) => n === 3)).toBe(true);
      // the adjusted counts of kept root spans estimate the traces before sampling
      const roots = spans.filter((s) => s.parentSpanId.every((b) => b === 0));
      const estimate = roots.reduce((a, s) => a + Number(s.attributes.find((x) => x.key === 'outrider.sampling.adjusted_count')!.value), 0);
      process.stdout.write(`tail sampling e2e: ${spans.length} spans kept of ${3 * TRACES}; errors ${keptOf('error').length}/${wanted('error')}, slow ${keptOf('slow').length}/${wanted('slow')}, normal ${normal}/${wanted('normal')}; Σ adjusted_count over kept roots ${estimate.toFixed(1)} (${((estimate / TRACES - 1) * 100).toFixed(2)} %); ${Date.now() - t0} ms\n`);
      expect(Math.abs(estimate - TRACES) / TRACES).toBeLessThan(0.05);
      // what the decisions were
      const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
      expect(text).toMatch(/outrider_sampling_decisions_total\{(?=[^}]*policy="errors")(?=[^}]*decision="sampled")[^}]*\} 200/);
    } finally {
      await provider.shutdown();
      await agent.stop();
    }
  });
});

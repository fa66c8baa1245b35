// The otlp exporter inside the real agent, fed by real OTel SDK clients: a downstream outage and a
// kill -9 of the agent lose no span the SDK was told was accepted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { toHex } from '../../agent/pdata/hex.js';
import { startGrpcSink, type GrpcSink } from '../kit/grpc-sink.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { spawnAgent, waitFor200 } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { freePort } from '../kit/ports.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idsIn = (sinks: GrpcSink[]) => new Set(sinks.flatMap((s) => s.traces.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => toHex(sp.spanId)))))));

async function waitForAll(want: Set<string>, sinks: () => GrpcSink[], ms: number): Promise<string[]> {
  const end = Date.now() + ms;
  for (;;) {
    const got = idsIn(sinks());
    const missing = [...want].filter((id) => !got.has(id));
    if (missing.length === 0 || Date.now() > end) return missing;
    await sleep(50);
  }
}

function exporterConfig(port: number) {
  return {
    endpoint: `127.0.0.1:${port}`, tls: { insecure: true },
    retry_on_failure: { initial_interval: '200ms', max_interval: '1s', max_elapsed_time: '0' },
    sending_queue: { storage: 'sqlite', num_consumers: 4 },
  };
}

describe('export durability (agent + otlp exporter + OTel SDK)', () => {
  it('a 30 s downstream outage under steady load: every span the SDK handed over reaches Jaeger once it is back', async () => {
    const dir = tempDir();
    const downstream = await freePort();
    const agent = await Agent.start({
      storage: { path: join(dir, 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { batch: { timeout: '50ms' } },
      exporters: { 'otlp/jaeger': exporterConfig(downstream) },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlp/jaeger'] } } },
    });
    const sinks: GrpcSink[] = [await startGrpcSink({ port: downstream })];
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc}` }), { scheduledDelayMillis: 50 })],
    });
    const tracer = provider.getTracer('e2e');
    const made = new Set<string>();
    try {
      const t0 = Date.now();
      let downAt = 0;
      let upAt = 0;
      for (let tick = 0; tick < 360; tick++) {                              // 10 spans every 100 ms for ~36 s
        if (tick === 20) { await sinks[0]!.close(); downAt = Date.now(); } // Jaeger goes away for 30 s
        if (downAt && !upAt && Date.now() - downAt >= 30_000) { sinks.push(await startGrpcSink({ port: downstream })); upAt = Date.now(); }
        for (let i = 0; i < 10; i++) {
          const span = tracer.startSpan(`GET /cart/${tick}/${i}`);
          made.add(span.spanContext().spanId);
          span.end();
        }
        await sleep(100);
      }
      if (!upAt) { sinks.push(await startGrpcSink({ port: downstream })); upAt = Date.now(); }
      await provider.forceFlush();
      const missing = await waitForAll(made, () => sinks, 20_000);
      expect(upAt - downAt).toBeGreaterThanOrEqual(30_000);
      expect(missing).toEqual([]);
      // at-least-once: only requests in flight when the downstream died may arrive twice
      const received = sinks.flatMap((s) => s.traces.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))).length;
      const duplicates = received - idsIn(sinks).size;
      process.stdout.write(`outage: ${made.size} spans made over ${((Date.now() - t0) / 1000).toFixed(0)} s, downstream down ${((upAt - downAt) / 1000).toFixed(1)} s, ${duplicates} duplicates\n`);
      expect(duplicates).toBeLessThanOrEqual(4 * 20);
      const metrics = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`outrider_exporter_sent_spans_total\\{[^}]*exporter="otlp/jaeger"[^}]*\\} ${made.size}\\b`));
      const retries = /outrider_exporter_retries_total\{[^}]*exporter="otlp\/jaeger"[^}]*\} (\d+)/.exec(metrics);
      expect(Number(retries?.[1] ?? 0)).toBeGreaterThan(0);
      // the queue drained
      expect(metrics).toMatch(/outrider_exporter_queue_size\{[^}]*exporter="otlp\/jaeger"[^}]*\} 0\b/);
    } finally {
      await provider.shutdown();
      await agent.stop();
      for (const s of sinks) await s.close();
    }
  }, 90_000);

  describe('kill -9', () => {
    it('the restarted agent delivers every span acknowledged before a kill during load', async () => {
      const dir = tempDir();
      const [grpcPort, telPort, downstream] = [await freePort(), await freePort(), await freePort()];
      const configPath = join(dir, 'config.yaml');
      // the pipeline of config/examples/jaeger.yaml; Jaeger is down the whole time
      writeFileSync(configPath, JSON.stringify({
        storage: { path: join(dir, 'outrider.db') },
        receivers: { otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${grpcPort}` } } } },
        processors: { memory_limiter: { limit_mib: 400, spike_limit_mib: 80 }, spanmetrics: {} },
        exporters: { 'otlp/jaeger': { ...exporterConfig(downstream), sending_queue: { storage: 'sqlite', num_consumers: 4, queue_size: 100_000 } } },
        service: { telemetry: { endpoint: `127.0.0.1:${telPort}`, logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'spanmetrics'], exporters: ['otlp/jaeger'] } } },
      }));
      const proc = spawnAgent(['run', '--config', configPath]);
      await waitFor200(`http://127.0.0.1:${telPort}/readyz`, 20_000, proc);

      // real SDK spans from 4 concurrent exporters; a span counts as acknowledged when its export succeeded
      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'cart' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
      const tracer = provider.getTracer('e2e');
      const acked = new Set<string>();
      let killed = false;
      const sender = async (w: number) => {
        const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${grpcPort}`, timeoutMillis: 2000 });
        for (let b = 0; b < 2000 && !killed; b++) {
          memory.reset();
          for (let i = 0; i < 20; i++) tracer.startSpan(`op-${w}-${b}-${i}`).end();
          const batch: ReadableSpan[] = memory.getFinishedSpans().slice();
          const code = await new Promise<ExportResultCode>((r) => exporter.export(batch, (res) => r(res.code)));
          if (code === ExportResultCode.SUCCESS) for (const s of batch) acked.add(s.spanContext().spanId);
          else break;
        }
        await exporter.shutdown();
      };
      const senders = [0, 1, 2, 3].map(sender);
      await sleep(1500);
      proc.child.kill('SIGKILL');
      killed = true;
      expect(await proc.exited).toBe('SIGKILL');
      await Promise.all(senders);
      await provider.shutdown();
      expect(acked.size).toBeGreaterThan(200);

      const sink = await startGrpcSink({ port: downstream });                 // Jaeger is back
      const again = await Agent.start({ path: configPath });
      try {
        const missing = await waitForAll(acked, () => [sink], 30_000);
        process.stdout.write(`kill -9 during load: ${acked.size} spans acknowledged, ${missing.length} missing after restart\n`);
        expect(missing).toEqual([]);
      } finally {
        await again.stop();
        await sink.close();
      }
    }, 90_000);
  });
});

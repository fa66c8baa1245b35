// Live config reload of a running agent process: an OTel SDK sends a steady stream while SIGHUP
// applies (a) an added processor, (b) the exporter moved to a second downstream, (c) a broken file.
import { writeFileSync } from 'node:fs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../agent/pdata/hex.js';
import { spawnAgent, waitFor200, writeChildConfig } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { startGrpcSink, type GrpcSink } from '../kit/grpc-sink.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spanIds = (s: GrpcSink) => s.traces.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => toHex(sp.spanId)))));

/** Wraps the SDK's exporter to record which spans the agent acknowledged and every failure. */
class Recording implements SpanExporter {
  readonly acked: string[] = [];
  readonly failures: string[] = [];
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.inner.export(spans, (r) => {
      if (r.code === ExportResultCode.SUCCESS) this.acked.push(...spans.map((s) => s.spanContext().spanId));
      else this.failures.push(String(r.error?.message ?? r.error));
      done(r);
    });
  }
  shutdown(): Promise<void> { return this.inner.shutdown(); }
  forceFlush(): Promise<void> { return this.inner.forceFlush?.() ?? Promise.resolve(); }
}

function callsTotal(text: string): number {
  return text.split('\n').filter((l) => l.startsWith('traces_span_metrics_calls_total{')).reduce((a, l) => a + Number(l.split(' ').pop()), 0);
}

describe('config reload (SIGHUP) under a steady stream', () => {
  it('adds a processor, moves the exporter, refuses a broken file — no acknowledged span lost, counters never go down', async () => {
    const dir = tempDir();
    const [first, second] = [await startGrpcSink(), await startGrpcSink()];
    const exporter = (port: number) => `  otlp/down: { endpoint: "127.0.0.1:${port}", tls: { insecure: true }, sending_queue: { num_consumers: 2 } }`;
    const base = { processors: '  spanmetrics: {}\n  batch: { timeout: 50ms }\n  memory_limiter: { limit_mib: 4000 }', exporters: exporter(first.port) };
    const pipeline = (procs: string) => `    traces: { receivers: [otlp], processors: [${procs}], exporters: [otlp/down] }`;
    const cfg = await writeChildConfig(dir, { ...base, pipelines: pipeline('spanmetrics, batch') });
    const rewrite = (text: string) => writeFileSync(cfg.path, text.replace(/telemetry: \{[^\n]*\n/, `telemetry: { endpoint: "127.0.0.1:${cfg.telemetryPort}", logs: { level: info } }\n`));
    const original = (await import('node:fs')).readFileSync(cfg.path, 'utf8');
    const agent = spawnAgent(['run', '--config', cfg.path]);
    const metricsUrl = `http://127.0.0.1:${cfg.telemetryPort}/metrics`;
    await waitFor200(`http://127.0.0.1:${cfg.telemetryPort}/readyz`, 15_000, agent);

    const recording = new Recording(new OTLPTraceExporter({ url: `http://127.0.0.1:${cfg.grpcPort}` }));
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new BatchSpanProcessor(recording, { scheduledDelayMillis: 20, maxExportBatchSize: 50 })],
    });
    const tracer = provider.getTracer('e2e');
    const seen: number[] = [];
    let stop = false;
    const scraper = (async () => {
      while (!stop) {
        try { seen.push(callsTotal(await (await fetch(metricsUrl)).text())); } catch { /* between restarts of nothing: keep going */ }
        await sleep(50);
      }
    })();
    const hup = async (text: string) => { rewrite(text); agent.child.kill('SIGHUP'); await sleep(1_000); };
    try {
      for (let tick = 0; tick < 100; tick++) {        // 10 spans every 50 ms for ~5 s, reloads in between
        for (let i = 0; i < 10; i++) tracer.startSpan(`GET /cart/${i}`).end();
        if (tick === 20) void hup(original.replace(pipeline('spanmetrics, batch'), pipeline('spanmetrics, memory_limiter, batch')));
        if (tick === 50) void hup(original.replace(pipeline('spanmetrics, batch'), pipeline('spanmetrics, memory_limiter, batch')).replace(exporter(first.port), exporter(second.port)));
        if (tick === 80) void hup(original.replace('batch: { timeout: 50ms }', 'batch: { timeout: later }').replace('exporters: [otlp/down]', 'exporters: [otlp/nowhere]'));
        await sleep(50);
      }
      await sleep(1_200);
      await provider.forceFlush();
      const acked = new Set(recording.acked);
      const end = Date.now() + 15_000;
      let missing: string[] = [];
      for (;;) {
        const got = new Set([...spanIds(first), ...spanIds(second)]);
        missing = [...acked].filter((id) => !got.has(id));
        if (missing.length === 0 || Date.now() > end) break;
        await sleep(100);
      }
      stop = true;
      await scraper;
      const text = await (await fetch(metricsUrl)).text();
      const received = spanIds(first).length + spanIds(second).length;
      process.stdout.write(`reload: ${acked.size} spans acknowledged, ${spanIds(first).length} at the first downstream, ${spanIds(second).length} at the second, `
        + `${received - new Set([...spanIds(first), ...spanIds(second)]).size} duplicates, ${recording.failures.length} SDK export failures\n`);

      expect(acked.size).toBe(1000);
      expect(missing).toEqual([]);
      expect(recording.failures).toEqual([]);
      expect(spanIds(first).length).toBeGreaterThan(0);
      expect(spanIds(second).length).toBeGreaterThan(0);            // the move took effect
      // exactly once in this run: each batch goes to the old or the new chain, never both
      expect(received).toBe(acked.size);
      // the span-metrics counter never went down, and counts every span
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(callsTotal(text)).toBe(1000);
      expect(text).toMatch(/outrider_config_reloads_total\{[^}]*outcome="ok"[^}]*\} 2/);
      expect(text).toMatch(/outrider_config_reloads_total\{[^}]*outcome="refused"[^}]*\} 1/);
      // the broken file's problems are logged with their key paths; the agent kept running on the old config
      expect(agent.output()).toContain('processors.batch.timeout');
      expect(agent.output()).toContain('service.pipelines.traces.exporters[0]');
      expect(agent.child.exitCode).toBeNull();
    } finally {
      stop = true;
      await provider.shutdown().catch(() => {});
      agent.child.kill('SIGTERM');
      await agent.exited;
      await first.close();
      await second.close();
    }
  }, 60_000);
});

// SLO state survives kill -9: a child agent counts spans from the OTel SDK, flushes them to SQLite,
// is killed with SIGKILL, and after a restart serves the same SLI and error budget at /metrics.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAgent, waitFor200, writeChildConfig } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { until } from '../kit/until.js';

const L = 'slo="checkout-availability",service="checkout"';

async function read(port: number): Promise<{ sli: number; budget: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const v = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return {
    sli: v(new RegExp(`^outrider_slo_sli_ratio\\{${L},window="30d"\\} (\\S+)$`, 'm')),
    budget: v(new RegExp(`^outrider_slo_error_budget_remaining_ratio\\{${L}\\} (\\S+)$`, 'm')),
  };
}

describe('slo across kill -9', () => {
  it('SLI and budget after a restart equal those before (flush_interval 200ms: at most that much is lost)', async () => {
    const dir = tempDir();
    const cfg = await writeChildConfig(dir, {
      processors: '  slo: { flush_interval: 200ms, evaluation_interval: 100ms, objectives: [{ name: checkout-availability, service: checkout, sli: availability, objective: 0.999, window: 30d }] }',
      exporters: '  nop: {}',
      pipelines: '    traces: { receivers: [otlp], processors: [slo], exporters: [nop] }',
    });
    const first = spawnAgent(['run', '--config', cfg.path]);
    let second: ReturnType<typeof spawnAgent> | undefined;
    try {
      await waitFor200(`http://127.0.0.1:${cfg.telemetryPort}/readyz`, 15_000, first);
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'checkout' }),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${cfg.grpcPort}` }), { maxExportBatchSize: 500, maxQueueSize: 5000, scheduledDelayMillis: 10 })],
      });
      const tracer = provider.getTracer('restart');
      for (let i = 0; i < 2000; i++) {
        const span = tracer.startSpan('POST /pay', { kind: SpanKind.SERVER });
        if (i % 50 === 0) span.setStatus({ code: SpanStatusCode.ERROR }); // 40 bad
        span.end();
      }
      await provider.shutdown();
      const db = new Sqlite(join(dir, 'db.sqlite'), { readonly: true });
      const stored = () => (db.prepare('SELECT coalesce(sum(total), 0) AS n FROM slo_minutes').get() as { n: number }).n;
      await until(() => stored() === 2000, 10_000, 'all 2000 events flushed to SQLite');
      db.close();
      await until(async () => (await read(cfg.telemetryPort)).sli === 1960 / 2000, 10_000, 'the SLI published');
      const before = await read(cfg.telemetryPort);
      expect(before.budget).toBe(1 - 40 / 2000 / (1 - 0.999));
      first.child.kill('SIGKILL');
      await first.exited;
      second = spawnAgent(['run', '--config', cfg.path]);
      await waitFor200(`http://127.0.0.1:${cfg.telemetryPort}/readyz`, 15_000, second);
      expect(await read(cfg.telemetryPort)).toEqual(before);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
    }
  }, 40_000);
});

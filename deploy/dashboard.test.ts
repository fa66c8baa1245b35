// The Grafana dashboard is valid dashboard JSON, and every series its queries name is one a live
// agent exports: the agent runs the try-out's config with every traces processor, an OTel SDK app
// sends spans (errors included), the trace backend refuses one export, a client sends one bad request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Agent } from '../agent/agent.js';
import type { OtlpReceiver } from '../receivers/otlp/otlp.js';
import { tempDir } from '../test/kit/config.js';
import { startGrpcSink } from '../test/kit/grpc-sink.js';
import { until } from '../test/kit/until.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dashboard = JSON.parse(readFileSync(join(here, 'grafana/outrider-dashboard.json'), 'utf8'));

const datasource = z.strictObject({ type: z.literal('prometheus'), uid: z.string().min(1) });
const panel = z.object({
  id: z.number().int().positive(), type: z.enum(['timeseries', 'stat', 'gauge', 'table', 'bargauge']), title: z.string().min(1),
  datasource, gridPos: z.strictObject({ x: z.number().int().min(0), y: z.number().int().min(0), w: z.number().int().min(1).max(24), h: z.number().int().min(1) }),
  targets: z.array(z.object({ refId: z.string().regex(/^[A-Z]$/), expr: z.string().min(1), datasource, legendFormat: z.string().optional() })).min(1),
  fieldConfig: z.object({ defaults: z.object({ unit: z.string() }), overrides: z.array(z.unknown()) }),
}).refine((p) => p.gridPos.x + p.gridPos.w <= 24, 'a panel must fit the 24-column grid');
/** The dashboard model's required keys (Grafana's dashboard JSON, schemaVersion 39). */
const dashboardSchema = z.object({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/), title: z.string().min(1), schemaVersion: z.number().int().min(36),
  version: z.number().int(), time: z.strictObject({ from: z.string(), to: z.string() }), tags: z.array(z.string()),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.enum(['datasource', 'query', 'custom', 'interval']) })) }),
  panels: z.array(panel).min(1),
});

/** Metric names a PromQL expression selects (a name directly followed by a `{…}` selector). */
function seriesNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) => m[1]!);
}

describe('Grafana dashboard', () => {
  it('is valid dashboard JSON: schema, unique panel ids, a pod variable', () => {
    const r = dashboardSchema.safeParse(dashboard);
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.map((v: { name: string }) => v.name)).toEqual(['datasource', 'pod']);
  });

  it('queries only series a live agent exports', async () => {
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.map((t) => t.expr));
    const wanted = [...new Set(exprs.flatMap(seriesNames))].sort();
    expect(wanted.length).toBeGreaterThan(10);

    let calls = 0;
    const backend = await startGrpcSink({ answer: () => (++calls === 1 ? { ok: false, code: grpc.status.INVALID_ARGUMENT, message: 'refused once' } : { ok: true }) });
    const cfg = parse(readFileSync(join(here, 'compose/outrider.yaml'), 'utf8'));
    cfg.storage.path = join(tempDir(), 'outrider.db');
    cfg.receivers.otlp.protocols = { grpc: { endpoint: '127.0.0.1:0' }, http: { endpoint: '127.0.0.1:0' } };
    cfg.processors.tail_sampling.decision_wait = '100ms';
    cfg.exporters['otlp/jaeger'] = { endpoint: `127.0.0.1:${backend.port}`, tls: { insecure: true }, sending_queue: { storage: 'sqlite' }, retry_on_failure: { initial_interval: '10ms' } };
    cfg.service.telemetry = { endpoint: '127.0.0.1:0', logs: { level: 'error' } };
    const agent = await Agent.start(cfg);
    const receiver = agent.component<OtlpReceiver>('receiver', 'otlp')!;
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'demo' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://${receiver.endpoints.grpc}` }))],
    });
    try {
      const tracer = provider.getTracer('dashboard');
      for (let i = 0; i < 20; i++) {
        const s = tracer.startSpan('GET /cart', { kind: 1, attributes: { 'http.route': '/cart', 'gen_ai.request.model': 'no-such-model', 'gen_ai.usage.input_tokens': 5 } });
        if (i % 4 === 0) s.setStatus({ code: SpanStatusCode.ERROR });
        s.end();
        await provider.forceFlush();
      }
      const bad = await fetch(`http://${receiver.endpoints.http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([0xff, 0xff, 0xff]) });
      expect(bad.status).toBe(400);
      let names = new Set<string>();
      await until(async () => {
        const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
        names = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!));
        return wanted.every((n) => names.has(n));
      }, 20_000, 'every series the dashboard queries').catch(() => undefined);
      expect(wanted.filter((n) => !names.has(n))).toEqual([]);
    } finally {
      await provider.shutdown();
      await agent.stop();
      await backend.close();
    }
  });
});

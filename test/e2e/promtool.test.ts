// promtool check metrics on what Prometheus scrapes from an agent fed every metric type by the
// real OTel SDK (and a summary, which the SDK cannot make), with span metrics in seconds.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Agent } from '../../agent/agent.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { tempDir } from '../kit/config.js';
import { join } from 'node:path';

let agent: Agent;

beforeAll(async () => {
  agent = await Agent.start({
    storage: { path: join(tempDir(), 'outrider.db') },
    receivers: { otlp: { protocols: { http: { endpoint: '127.0.0.1:0' } } } },
    processors: { spanmetrics: { histogram: { unit: 's' }, dimensions: ['http.route'] } },
    exporters: { prometheus: {}, nop: {} },
    service: {
      telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } },
      pipelines: {
        metrics: { receivers: ['otlp'], exporters: ['prometheus'] },
        traces: { receivers: ['otlp'], processors: ['spanmetrics'], exporters: ['nop'] },
      },
    },
  });
});
afterAll(async () => { await agent?.stop(); });

function promtool(body: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw new Error(`promtool is required (apt-get install prometheus): ${r.error.message}`);
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

describe('promtool check metrics', () => {
  it('passes on an agent fed every metric type by the OTel SDK', async () => {
    const http = `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http}`;
    const resource = resourceFromAttributes({ 'service.name': 'shop', 'service.namespace': 'retail', 'service.instance.id': 'pod-7', 'k8s.pod.name': 'shop-7' });
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${http}/v1/metrics` }), exportIntervalMillis: 60_000 });
    const meters = new MeterProvider({ resource, readers: [reader], views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }] });
    const m = meters.getMeter('shop.meter', '1.4.0');
    m.createCounter('orders', { unit: '{order}', description: 'orders placed', valueType: ValueType.INT }).add(12, { region: 'eu' });
    m.createUpDownCounter('cart.items', { unit: '{item}' }).add(4, { region: 'eu' });
    m.createGauge('queue.fill', { unit: '1' }).record(0.75);
    m.createObservableGauge('process.memory', { unit: 'By' }).addCallback((r) => r.observe(123456));
    const lat = m.createHistogram('checkout.duration', { unit: 's' });
    for (const v of [0.05, 0.12, 0.3, 1.7]) lat.record(v, { route: '/pay' });
    const size = m.createHistogram('payload.size', { unit: 'By' });
    for (const v of [10, 200, 4096, 70000]) size.record(v);
    await meters.forceFlush();

    const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${http}/v1/traces` }))] });
    const t = tracer.getTracer('shop');
    for (let i = 0; i < 10; i++) t.startSpan('GET /cart', { attributes: { 'http.route': '/cart' } }).end();
    await tracer.forceFlush();

    const summary = { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'legacy' } }] },
      scopeMetrics: [{ metrics: [{ name: 'rpc.latency', unit: 's', summary: { dataPoints: [{ timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), count: '5', sum: 1.5,
        quantileValues: [{ quantile: 0.5, value: 0.2 }, { quantile: 0.99, value: 0.9 }] }] } }] }] }] };
    expect((await fetch(`${http}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(summary) })).status).toBe(200);

    const body = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
    for (const name of ['orders_total', 'cart_items', 'queue_fill_ratio', 'process_memory_bytes', 'checkout_duration_seconds_bucket',
      'payload_size_bytes_bucket', 'rpc_latency_seconds{', 'target_info', 'traces_span_metrics_calls_total', 'traces_span_metrics_duration_seconds_bucket']) {
      expect(body, name).toContain(name);
    }
    const r = promtool(body);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
    await Promise.all([meters.shutdown(), tracer.shutdown()]);
  });
});

// A real Prometheus scrapes a running agent every second: translated OTLP metrics from a real SDK,
// target_info, and span metrics for a known span mix (with OTEP 235 weighting) come back exactly.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { Agent } from '../../agent/agent.js';
import { encodeMetricsRequest, encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { prometheusExporterFactory } from '../../exporters/prometheus/index.js';
import { spanMetricsProcessorFactory } from '../../processors/spanmetrics/index.js';
import { prometheusAgentConfig, tempDir } from '../kit/config.js';
import * as f from '../fixtures/prometheus/otlp.js';
import { everyType } from '../fixtures/prometheus/every-type.js';
import { spawnSync } from 'node:child_process';
import { one, startPrometheus, type TestPrometheus } from '../kit/prometheus.js';

let agent: Agent;
let prom: TestPrometheus | undefined;
let promUrl = '';
let meterProvider: MeterProvider;
let ticker: NodeJS.Timeout;
let httpUrl = '';

beforeAll(async () => {
  const dir = tempDir('outrider-prom-');
  agent = await Agent.start(prometheusAgentConfig(dir), { factories: [prometheusExporterFactory, spanMetricsProcessorFactory] });
  httpUrl = `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.http}`;

  // spans: 1,000 calls of checkout with 37 errors, and 25 head-sampled spans at 25 % (th:c) → 100
  const t = BigInt(Date.now()) * 1_000_000n;
  const at = { startTimeUnixNano: t, endTimeUnixNano: t + 5_000_000n };
  const spans = Array.from({ length: 1000 }, (_, i) => f.span({ ...at, name: 'POST /checkout', status: { code: i % 27 === 0 && i < 37 * 27 ? 2 : 0, message: '' } }));
  const sampled = Array.from({ length: 25 }, () => f.span({ ...at, name: 'GET /cart', traceState: 'ot=th:c' }));
  const td = { resourceSpans: [...f.traces({ 'service.name': 'checkout' }, spans).resourceSpans, ...f.traces({ 'service.name': 'cart' }, sampled).resourceSpans] };
  const res = await fetch(`${httpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(encodeTracesRequest(td)) });
  expect(res.status).toBe(200);

  // metrics from a real OTel SDK over OTLP/HTTP protobuf every 250 ms
  meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.namespace': 'shop', 'service.instance.id': 'pod-1', 'host.name': 'node-1' }),
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${httpUrl}/v1/metrics` }), exportIntervalMillis: 250 })],
  });
  const meter = meterProvider.getMeter('e2e', '1.0.0');
  const orders = meter.createCounter('app.orders', { description: 'Orders placed.' });
  const latency = meter.createHistogram('app.latency', { unit: 's', description: 'Latency.', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });
  for (let i = 0; i < 50; i++) { latency.record(0.05); latency.record(0.3); }
  ticker = setInterval(() => orders.add(10), 100); // 100 orders/s

  prom = await startPrometheus(dir, [agent.telemetryAddress], ['--enable-feature=exemplar-storage']);
  promUrl = prom.url;
}, 20_000);

afterAll(async () => {
  clearInterval(ticker);
  prom?.stop();
  await meterProvider?.shutdown().catch(() => {});
  await agent?.stop();
});

describe('Prometheus scraping the agent', { timeout: 30_000 }, () => {
  it('scrapes OpenMetrics without errors', async () => {
    const r = await prom!.eventually('up{job="outrider"}', (x) => one(x) === 1);
    expect(one(r)).toBe(1);
    const targets = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ lastError: string; health: string }> } };
    expect(targets.data.activeTargets[0]!.lastError).toBe('');
  });

  it('span metrics: exactly 1,000 calls with 37 errors, and ×4 for th:c', async () => {
    await prom!.eventually('sum(traces_span_metrics_calls_total{service_name="checkout"})', (x) => one(x) === 1000);
    const err = await prom!.query('sum(traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_ERROR"})');
    expect(one(err)).toBe(37);
    const cnt = await prom!.query('sum(traces_span_metrics_duration_milliseconds_count{service_name="checkout"})');
    expect(one(cnt)).toBe(1000);
    const cart = await prom!.query('traces_span_metrics_calls_total{service_name="cart",span_kind="SPAN_KIND_SERVER",span_name="GET /cart"}');
    expect(one(cart)).toBe(100);
  });

  it('exemplars from OpenMetrics are stored', async () => {
    const now = Date.now() / 1000;
    const r = await fetch(`${promUrl}/api/v1/query_exemplars?query=${encodeURIComponent('traces_span_metrics_duration_milliseconds_bucket')}&start=${now - 3600}&end=${now + 60}`);
    const j = (await r.json()) as { data: Array<{ exemplars: Array<{ labels: Record<string, string> }> }> };
    expect(j.data.length).toBeGreaterThan(0);
    expect(j.data[0]!.exemplars[0]!.labels.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('promtool check metrics passes on the scraped text of an agent fed every metric type', async () => {
    const sent = await fetch(`${httpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(encodeMetricsRequest(everyType())) });
    expect(sent.status).toBe(200);
    const scraped = await fetch(`http://${agent.telemetryAddress}/metrics`);
    expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await scraped.text();
    for (const t of ['gauge', 'counter', 'histogram', 'summary']) expect(body).toMatch(new RegExp(`# TYPE \\S+ ${t}`));
    const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 10_000 });
    if (r.error) throw new Error(`promtool is required (apt-get install prometheus): ${r.error.message}`);
    // exit 3 = lint findings only; the one finding is the span-metrics name Jaeger's Monitor tab requires
    expect((r.stdout + r.stderr).trim()).toBe('traces_span_metrics_duration_milliseconds use base unit "seconds" instead of "milliseconds"');
    expect(r.status).toBe(3);
  });

  it('a counter rate(), a histogram_quantile() and target_info', async () => {
    // the first windows after start-up hold one or two scrapes only, and their extrapolation runs low;
    // once three scrapes are in, the rate is the app's 100 orders/s
    const rate = await prom!.eventually('rate(app_orders_total{job="shop/checkout",instance="pod-1"}[3s])', (x) => one(x) > 50);
    expect(one(rate)).toBeGreaterThan(50);
    expect(one(rate)).toBeLessThan(200);
    const p75 = await prom!.eventually('histogram_quantile(0.75, app_latency_seconds_bucket{job="shop/checkout"})', (x) => x.length === 1);
    expect(one(p75)).toBeCloseTo(0.3, 10);
    const p50 = await prom!.query('histogram_quantile(0.5, app_latency_seconds_bucket{job="shop/checkout"})');
    expect(one(p50)).toBeCloseTo(0.1, 10);
    const ti = await prom!.query('target_info{job="shop/checkout",instance="pod-1"}');
    expect(ti).toHaveLength(1);
    expect(ti[0]!.metric.host_name).toBe('node-1');
    const joined = await prom!.query('app_orders_total * on(job, instance) group_left(host_name) target_info');
    expect(joined[0]?.metric.host_name).toBe('node-1');
    const self = await prom!.query('target_info{job="outrider",service_name="outrider"}');
    expect(self).toHaveLength(1);
  });
});

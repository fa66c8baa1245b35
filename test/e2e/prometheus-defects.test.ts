// A real Prometheus scraping an agent fed what once broke /metrics: app metrics named like the
// agent's own series (and a target_info repeating the agent's labels), an exponential histogram
// of 42 and 900 from a real SDK, and invalid explicit histograms and sums (refused at the receiver
// through partial success on gRPC, HTTP protobuf and HTTP JSON).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { Agent } from '../../agent/agent.js';
import { GrpcCode } from '../../agent/errors.js';
import type { Metric, MetricsData } from '../../agent/pdata/model.js';
import { decodeExportResponse, encodeMetricsRequest, encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { prometheusExporterFactory } from '../../exporters/prometheus/index.js';
import { spanMetricsProcessorFactory } from '../../processors/spanmetrics/index.js';
import * as f from '../fixtures/prometheus/otlp.js';
import { prometheusAgentConfig, tempDir } from '../kit/config.js';
import { RawOtlpClient } from '../kit/grpc-client.js';
import { one, startPrometheus, type TestPrometheus } from '../kit/prometheus.js';

const SPANS = 30;
let agent: Agent;
let prom: TestPrometheus | undefined;
let promUrl = '';
let httpUrl = '';
let grpc: RawOtlpClient;
let meterProvider: MeterProvider;

const scrape = async () => (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();

/** Metrics from an application with an empty resource and no scope, as the outside probe sent them. */
function bare(metrics: Metric[]): MetricsData {
  return { resourceMetrics: [{ resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeMetrics: [{ scope: null, schemaUrl: '', metrics }] }] };
}
const counter = (name: string, v: number, attrs: Record<string, string>) =>
  f.metric(name, '', { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints: [f.numberPoint(v, attrs, f.T0, BigInt(Date.now()) * 1_000_000n)] }, 'd');
const hist = (name: string, bounds: number[], counts: number[], count?: number, temporality = 2) => {
  const p = f.histPoint(bounds, counts, 1, {}, f.T0, BigInt(Date.now()) * 1_000_000n);
  if (count !== undefined) p.count = count;
  return f.metric(name, '', { type: 'histogram', aggregationTemporality: temporality, dataPoints: [p] }, 'd');
};

async function postMetrics(body: Uint8Array | string, json = false): Promise<{ status: number; text: string; bytes: Uint8Array }> {
  const r = await fetch(`${httpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' }, body: typeof body === 'string' ? body : Buffer.from(body) });
  const bytes = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, text: Buffer.from(bytes).toString('utf8'), bytes };
}

beforeAll(async () => {
  const dir = tempDir('outrider-prom-defects-');
  agent = await Agent.start(prometheusAgentConfig(dir, { grpc: true, logLevel: 'error' }), { factories: [prometheusExporterFactory, spanMetricsProcessorFactory] });
  const eps = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints;
  httpUrl = `http://${eps.http}`;
  grpc = new RawOtlpClient(eps.grpc!);

  // the agent's own series: SPANS spans accepted over HTTP, and their span metrics
  const t = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: SPANS }, () => f.span({ name: 'GET /x', startTimeUnixNano: t, endTimeUnixNano: t + 5_000_000n }));
  const res = await fetch(`${httpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(encodeTracesRequest(f.traces({ 'service.name': 'checkout' }, spans))) });
  expect(res.status).toBe(200);

  // an exponential histogram of 42 and 900 from a real SDK
  meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'payload' }),
    views: [{ instrumentName: 'app.payload', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${httpUrl}/v1/metrics` }), exportIntervalMillis: 250 })],
  });
  const payload = meterProvider.getMeter('e2e').createHistogram('app.payload', { unit: 'By' });
  payload.record(42);
  payload.record(900);

  prom = await startPrometheus(dir, [agent.telemetryAddress], []);
  promUrl = prom.url;
}, 20_000);

afterAll(async () => {
  prom?.stop();
  grpc?.close();
  await meterProvider?.shutdown().catch(() => {});
  await agent?.stop();
});

describe('app metrics cannot impersonate the agent\'s series', { timeout: 30_000 }, () => {
  it('an app counter outrider_receiver_accepted_spans and a fake span-metrics counter: Prometheus sees one series each, the agent\'s', async () => {
    const before = await scrape();
    const agentTarget = /^target_info\{([^}]*)\} 1$/m.exec(before)![1]!;
    const agentResource = Object.fromEntries([...agentTarget.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const app = bare([
      counter('outrider_receiver_accepted_spans', 7, { receiver: 'otlp', transport: 'http' }),
      counter('traces_span_metrics_calls', 1e6, { service_name: 'checkout', span_name: 'GET /x', span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_UNSET' }),
      counter('app_orders', 5, {}),
    ]);
    // and a resource whose target_info labels are exactly the agent's
    app.resourceMetrics.push({ resource: { attributes: Object.entries(agentResource).map(([key, value]) => ({ key, value })), droppedAttributesCount: 0 }, schemaUrl: '',
      scopeMetrics: [{ scope: null, schemaUrl: '', metrics: [counter('app_other', 1, {})] }] });
    expect((await postMetrics(encodeMetricsRequest(app))).status).toBe(200);

    const text = await scrape();
    expect(text.split('\n').filter((l) => l.startsWith('outrider_receiver_accepted_spans_total{receiver="otlp",transport="http"}'))).toEqual([
      `outrider_receiver_accepted_spans_total{receiver="otlp",transport="http"} ${SPANS}`]);
    expect(text.split('\n').filter((l) => l.startsWith(`target_info{${agentTarget}}`))).toHaveLength(1);

    await prom!.eventually('app_orders_total', (r) => one(r) === 5);
    const accepted = await prom!.query('count(outrider_receiver_accepted_spans_total{receiver="otlp",transport="http"})');
    expect(one(accepted)).toBe(1);
    expect(one(await prom!.query('outrider_receiver_accepted_spans_total{receiver="otlp",transport="http"}'))).toBe(SPANS);
    expect(one(await prom!.query('count(traces_span_metrics_calls_total{span_name="GET /x"})'))).toBe(1);
    expect(one(await prom!.query('sum(traces_span_metrics_calls_total{span_name="GET /x"})'))).toBe(SPANS);
    expect(one(await prom!.query('count(target_info{service_name="outrider"})'))).toBe(1);
    const dropped = await prom!.eventually('sum(outrider_exporter_dropped_metric_points_total{reason="agent_name"})', (r) => one(r) > 0);
    expect(one(dropped)).toBeGreaterThan(0);
    // Prometheus found no two samples of one series in any scrape
    const promSelf = await (await fetch(`${promUrl}/metrics`)).text();
    expect(/^prometheus_target_scrapes_sample_duplicate_timestamp_total (\S+)$/m.exec(promSelf)?.[1]).toBe('0');
  });
});

describe('exponential histograms keep their lower edge', { timeout: 30_000 }, () => {
  it('42 and 900: histogram_quantile(0.25) ≈ 42 and (0.75) ≈ 900, within the bucket holding each', async () => {
    const q25 = one(await prom!.eventually('histogram_quantile(0.25, app_payload_bytes_bucket)', (r) => r.length === 1));
    const q75 = one(await prom!.query('histogram_quantile(0.75, app_payload_bytes_bucket)'));
    const les = [...(await scrape()).matchAll(/^app_payload_bytes_bucket\{.*le="([^"]+)"\} \d+$/gm)].map((m) => Number(m[1]));
    const rel = les[1]! / les[0]! - 1; // one base-2 bucket at the SDK's scale: its relative error
    expect(rel).toBeLessThan(0.05);
    expect(Math.abs(q25 - 42) / 42).toBeLessThanOrEqual(rel);
    expect(Math.abs(q75 - 900) / 900).toBeLessThanOrEqual(rel);
  });
});

describe('invalid explicit histograms and sums are refused through partial success', { timeout: 30_000 }, () => {
  it('gRPC, HTTP protobuf and HTTP JSON: rejected_data_points with a message naming the metric and problem; the rest accepted and scraped', async () => {
    const g = await grpc.export('metrics', encodeMetricsRequest(f.metrics({ 'service.name': 'bad' }, [
      hist('bad_desc', [5, 1], [1, 1, 1]), hist('bad_same', [1, 1], [1, 1, 1]), hist('good_grpc', [1, 2], [1, 0, 1])])));
    expect(g.code).toBe(GrpcCode.OK);
    expect(decodeExportResponse(g.response!)).toEqual({ rejected: 2,
      errorMessage: "2 metric data point(s) rejected: 'bad_desc': explicit_bounds must increase strictly, got 5 then 1; 'bad_same': explicit_bounds must increase strictly, got 1 then 1" });

    const h = await postMetrics(encodeMetricsRequest(f.metrics({ 'service.name': 'bad' }, [
      hist('bad_nan', [NaN], [1, 1]), hist('bad_short', [1, 2, 3, 4], [1, 1]), hist('bad_count', [1], [1, 1], 9),
      hist('bad_temporality', [1], [1, 1], undefined, 0), counter('good_http', 3, {})])));
    expect(h.status).toBe(200);
    const hr = decodeExportResponse(h.bytes);
    expect(hr.rejected).toBe(4);
    expect(hr.errorMessage).toMatch(/^4 metric data point\(s\) rejected: 'bad_nan': explicit_bounds\[0\] must be finite, got NaN; 'bad_short': 2 bucket_counts for 4 explicit_bounds \(must be 5\); 'bad_count': count 9 is not the sum of bucket_counts \(2\); and 1 more$/);

    const now = String(Date.now() * 1_000_000);
    const sum = (name: string, aggregationTemporality: number) => ({ name, sum: { aggregationTemporality, isMonotonic: true, dataPoints: [{ asInt: '4', timeUnixNano: now }] } });
    const json = { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad' } }] }, scopeMetrics: [{ metrics: [
      sum('bad_sum_unspecified', 0), sum('bad_sum_99', 99), sum('good_json', 2),
      { name: 'bad_json_hist', histogram: { aggregationTemporality: 2, dataPoints: [{ count: '2', bucketCounts: ['1', '1'], explicitBounds: ['NaN'], timeUnixNano: now }] } },
    ] }] }] };
    const j = await postMetrics(JSON.stringify(json), true);
    expect(j.status).toBe(200);
    expect(JSON.parse(j.text)).toEqual({ partialSuccess: { rejectedDataPoints: '3', errorMessage: expect.stringContaining("'bad_sum_99': aggregation_temporality must be 1 (delta) or 2 (cumulative), got 99") } });

    await prom!.eventually('good_json_total', (r) => one(r) === 4);
    expect(one(await prom!.query('good_http_total'))).toBe(3);
    expect(one(await prom!.query('good_grpc_count'))).toBe(2);
    expect(await prom!.query('{__name__=~"bad_.*"}')).toEqual([]);
    const refused = await prom!.eventually('sum(outrider_receiver_refused_metric_points_total{reason="invalid_point"})', (r) => one(r) === 9);
    expect(one(refused)).toBe(9);
  });

  it('promtool check metrics passes on the exposition', async () => {
    const body = await scrape();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 10_000 });
    if (r.error) throw new Error(`promtool is required (apt-get install prometheus): ${r.error.message}`);
    // exit 3 = lint findings only; the one finding is the span-metrics name Jaeger's Monitor tab requires
    expect((r.stdout + r.stderr).trim()).toBe('traces_span_metrics_duration_milliseconds use base unit "seconds" instead of "milliseconds"');
    expect(r.status).toBe(3);
  });
});

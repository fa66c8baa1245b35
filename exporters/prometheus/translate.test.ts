// Each translation rule, asserted on the exact exposition text the registry renders.
import { describe, expect, test } from 'vitest';
import type { Metric } from '../../agent/pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { prometheusExporterFactory } from './index.js';

async function scrape(ms: Metric[], cfg: object = {}, res: Record<string, unknown> = { 'service.name': 'shop' }, accept?: string): Promise<string> {
  const { settings, registry, host, render } = f.settings('prometheus');
  const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.parse(cfg), ['metrics']);
  await exp.start(host);
  await exp.metrics!.consume(f.metrics(res as never, ms));
  return (await render(accept)).body;
}

const gauge = (name: string, unit: string, v: number, attrs = {}) => f.metric(name, unit, { type: 'gauge', dataPoints: [f.numberPoint(v, attrs)] }, 'd');
const counter = (name: string, unit: string, v: number, attrs = {}) =>
  f.metric(name, unit, { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints: [f.numberPoint(v, attrs)] }, 'd');
const L = 'job="shop",otel_scope_name="lib",otel_scope_version="1.2.0"';

describe('names', () => {
  test('unit suffix, _total after it, invalid characters collapsed', async () => {
    expect(await scrape([counter('http..server.duration', 'ms', 3)])).toBe(
      `# HELP http_server_duration_milliseconds_total d\n# TYPE http_server_duration_milliseconds_total counter\nhttp_server_duration_milliseconds_total{${L}} 3\n`);
  });
  test('gauge of unit 1 gets _ratio; {x} units are dropped; By → bytes; rate units', async () => {
    const body = await scrape([gauge('cpu.utilization', '1', 0.25), gauge('queue.size', '{item}', 4), gauge('heap', 'By', 10), gauge('speed', 'm/s', 2)]);
    expect(body).toContain(`cpu_utilization_ratio{${L}} 0.25\n`);
    expect(body).toContain(`queue_size{${L}} 4\n`);
    expect(body).toContain(`heap_bytes{${L}} 10\n`);
    expect(body).toContain(`speed_meters_per_second{${L}} 2\n`);
  });
  test('a unit already in the name is not repeated; an existing total moves to the end', async () => {
    const body = await scrape([gauge('request.duration.seconds', 's', 1), counter('total.requests', '', 2)]);
    expect(body).toContain(`request_duration_seconds{${L}} 1\n`);
    expect(body).toContain(`requests_total{${L}} 2\n`);
  });
  test('namespace, and add_metric_suffixes: false', async () => {
    expect(await scrape([counter('reqs', 's', 1)], { namespace: 'edge', add_metric_suffixes: false })).toBe(
      `# HELP edge_reqs d\n# TYPE edge_reqs counter\nedge_reqs{${L}} 1\n`);
  });
  test('missing description gets a help text', async () => {
    const m = f.metric('x', '', { type: 'gauge', dataPoints: [f.numberPoint(1)] });
    expect(await scrape([m])).toBe(`# HELP x OTLP metric x\n# TYPE x gauge\nx{${L}} 1\n`);
  });
});

describe('labels', () => {
  test('sanitised; leading digit gets key_; leading _ gets key; collisions joined with ; in key order', async () => {
    const body = await scrape([gauge('g', '', 1, { 'http.method': 'GET', '2xx': 'y', _hidden: 'h', 'a.b': 'dot', a_b: 'under', 'a-b': 'dash' })]);
    expect(body).toContain('g{a_b="dash;dot;under",http_method="GET",job="shop",key_2xx="y",key_hidden="h",otel_scope_name="lib",otel_scope_version="1.2.0"} 1\n');
  });
  test('values: bool, int, double, bytes, array and map; quotes and newlines escaped', async () => {
    const body = await scrape([gauge('g', '', 1, { b: true, i: 42n, d: 1.5, y: new Uint8Array([1, 2]), arr: ['a', 1n], map: { kvlistValue: [{ key: 'k', value: 'v' }] }, q: 'say "hi"\nbye' })]);
    expect(body).toContain('g{arr="[\\"a\\",1]",b="true",d="1.5",i="42",job="shop",map="{\\"k\\":\\"v\\"}",otel_scope_name="lib",otel_scope_version="1.2.0",q="say \\"hi\\"\\nbye",y="AQI="} 1\n');
  });
  test('job is namespace/name, instance is service.instance.id; target_info carries the other resource attributes', async () => {
    const body = await scrape([gauge('g', '', 1)], {}, { 'service.name': 'api', 'service.namespace': 'shop', 'service.instance.id': 'pod-1', 'k8s.pod.name': 'p' });
    expect(body).toBe([
      '# HELP target_info Target metadata', '# TYPE target_info gauge', 'target_info{instance="pod-1",job="shop/api",k8s_pod_name="p"} 1',
      '# HELP g d', '# TYPE g gauge', 'g{instance="pod-1",job="shop/api",otel_scope_name="lib",otel_scope_version="1.2.0"} 1', ''].join('\n'));
  });
  test('no target_info when the resource has only identifying attributes', async () => {
    expect(await scrape([gauge('g', '', 1)])).not.toContain('target_info');
  });
  test('resource_to_telemetry_conversion and const_labels', async () => {
    const body = await scrape([gauge('g', '', 1, { region: 'pt' })], { resource_to_telemetry_conversion: { enabled: true }, const_labels: { env: 'prod' } },
      { 'service.name': 'shop', 'host.name': 'h1', region: 'res' });
    expect(body).toContain(`g{env="prod",host_name="h1",job="shop",otel_scope_name="lib",otel_scope_version="1.2.0",region="pt",service_name="shop"} 1\n`);
    expect(body).toContain('target_info{env="prod",host_name="h1",job="shop",region="res"} 1\n');
  });
});

describe('types', () => {
  test('non-monotonic cumulative sum is a gauge; delta non-monotonic sum is dropped', async () => {
    const cum = f.metric('inflight', '', { type: 'sum', aggregationTemporality: 2, isMonotonic: false, dataPoints: [f.numberPoint(-3)] }, 'd');
    const del = f.metric('dropped', '', { type: 'sum', aggregationTemporality: 1, isMonotonic: false, dataPoints: [f.numberPoint(5)] }, 'd');
    expect(await scrape([cum, del])).toBe(`# HELP inflight d\n# TYPE inflight gauge\ninflight{${L}} -3\n`);
  });
  test('histogram: buckets cumulated, +Inf equals count', async () => {
    const h = f.metric('latency', 's', { type: 'histogram', aggregationTemporality: 2, dataPoints: [f.histPoint([0.1, 0.5], [2, 3, 1], 1.75)] }, 'd');
    expect(await scrape([h])).toBe([
      '# HELP latency_seconds d', '# TYPE latency_seconds histogram',
      `latency_seconds_bucket{${L},le="0.1"} 2`, `latency_seconds_bucket{${L},le="0.5"} 5`, `latency_seconds_bucket{${L},le="+Inf"} 6`,
      `latency_seconds_sum{${L}} 1.75`, `latency_seconds_count{${L}} 6`, ''].join('\n'));
  });
  test('exponential histogram becomes classic le buckets at its boundaries', async () => {
    const p = { ...f.histPoint([], [], 0), scale: 0, zeroCount: 1, zeroThreshold: 0, sum: 7, count: 5,
      positive: { offset: 0, bucketCounts: [2, 1] }, negative: { offset: 1, bucketCounts: [1] } } as never;
    const h = f.metric('size', 'By', { type: 'exponentialHistogram', aggregationTemporality: 2, dataPoints: [p] }, 'd');
    expect(await scrape([h])).toBe([
      '# HELP size_bytes d', '# TYPE size_bytes histogram',
      `size_bytes_bucket{${L},le="-4"} 0`, `size_bytes_bucket{${L},le="-2"} 1`, `size_bytes_bucket{${L},le="0"} 2`,
      `size_bytes_bucket{${L},le="1"} 2`, `size_bytes_bucket{${L},le="2"} 4`, `size_bytes_bucket{${L},le="4"} 5`,
      `size_bytes_bucket{${L},le="+Inf"} 5`, `size_bytes_sum{${L}} 7`, `size_bytes_count{${L}} 5`, ''].join('\n'));
  });
  test('summary with quantiles', async () => {
    const p = { attributes: [], startTimeUnixNano: f.T0, timeUnixNano: f.T0 + f.S, count: 10, sum: 4.5, flags: 0,
      quantileValues: [{ quantile: 0.5, value: 0.3 }, { quantile: 0.99, value: 1.2 }] };
    const m = f.metric('rpc', 's', { type: 'summary', dataPoints: [p] }, 'd');
    expect(await scrape([m])).toBe([
      '# HELP rpc_seconds d', '# TYPE rpc_seconds summary', `rpc_seconds{${L},quantile="0.5"} 0.3`, `rpc_seconds{${L},quantile="0.99"} 1.2`,
      `rpc_seconds_sum{${L}} 4.5`, `rpc_seconds_count{${L}} 10`, ''].join('\n'));
  });
  test('conflicting type for one name: the later metric is dropped', async () => {
    const body = await scrape([gauge('x', '', 1), f.metric('x', '', { type: 'summary', dataPoints: [] }, 'd'),
      f.metric('x', '', { type: 'histogram', aggregationTemporality: 2, dataPoints: [f.histPoint([1], [1, 0], 1)] }, 'd')]);
    expect(body).toBe(`# HELP x d\n# TYPE x gauge\nx{${L}} 1\n`);
  });
  test('send_timestamps writes the point time (ms)', async () => {
    expect(await scrape([gauge('g', '', 1)], { send_timestamps: true })).toBe(`# HELP g d\n# TYPE g gauge\ng{${L}} 1 ${Number((f.T0 + 10n * f.S) / 1_000_000n)}\n`);
  });
});

describe('OpenMetrics', () => {
  const OM = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';
  test('counter family without _total, exemplars on counters and buckets, # EOF', async () => {
    const ex = { filteredAttributes: [], timeUnixNano: f.T0 + f.S, value: 0.3, traceId: new Uint8Array(16).fill(0xab), spanId: new Uint8Array(8).fill(0xcd) };
    const c = counter('reqs', '', 5);
    (c.data as any).dataPoints[0].exemplars = [{ ...ex, value: 1n }];
    const h = f.metric('lat', 's', { type: 'histogram', aggregationTemporality: 2, dataPoints: [{ ...f.histPoint([0.1, 0.5], [0, 1, 0], 0.3), exemplars: [ex] }] }, 'd');
    const tid = 'ab'.repeat(16);
    const sid = 'cd'.repeat(8);
    expect(await scrape([c, h], {}, undefined, OM)).toBe([
      '# HELP reqs d', '# TYPE reqs counter', `reqs_total{${L}} 5 # {trace_id="${tid}",span_id="${sid}"} 1 1700000001`,
      '# HELP lat_seconds d', '# TYPE lat_seconds histogram',
      `lat_seconds_bucket{${L},le="0.1"} 0`, `lat_seconds_bucket{${L},le="0.5"} 1 # {trace_id="${tid}",span_id="${sid}"} 0.3 1700000001`,
      `lat_seconds_bucket{${L},le="+Inf"} 1`, `lat_seconds_sum{${L}} 0.3`, `lat_seconds_count{${L}} 1`, '# EOF', ''].join('\n'));
  });
  test('enable_open_metrics: false always answers text 0.0.4', async () => {
    const body = await scrape([counter('reqs', '', 5)], { enable_open_metrics: false }, undefined, OM);
    expect(body).not.toContain('# EOF');
  });
});

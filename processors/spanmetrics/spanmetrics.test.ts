// Span metrics: exact exposition, dimensions, weighting, overflow, exemplars, pass-through.
import { describe, expect, test } from 'vitest';
import type { TracesData } from '../../agent/pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { spanMetricsProcessorFactory } from './index.js';
import { DEFAULT_BUCKETS_MS } from './config.js';
import { testSettings } from '../../test/kit/settings.js';

function setup(cfg: object = {}) {
  const { settings, registry, self, host, signals } = f.settings('spanmetrics', { self: false });
  const next = f.sink<TracesData>();
  const proc = spanMetricsProcessorFactory.create.traces!(settings, spanMetricsProcessorFactory.parse(cfg), next);
  void proc.start(host); // registers its series synchronously
  const text = async () => (await registry.render(undefined)).body;
  return { proc, next, text, registry, self, signals };
}

const calls = (text: string) => text.split('\n').filter((l) => l.startsWith('traces_span_metrics_calls_total'));

describe('spanmetrics', () => {
  test('exact exposition for one span with the default buckets', async () => {
    const { proc, text } = setup({ histogram: { explicit: { buckets: [2, 10] } } });
    await proc.consume(f.traces({ 'service.name': 'shop' }, [f.span({ name: 'GET /a', kind: 3, endTimeUnixNano: f.T0 + 7_500_000n })]));
    const L = 'service_name="shop",span_name="GET /a",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"';
    expect(await text()).toBe([
      '# HELP traces_span_metrics_calls_total Spans seen, weighted by their adjusted count.',
      '# TYPE traces_span_metrics_calls_total counter',
      `traces_span_metrics_calls_total{${L}} 1`,
      '# HELP traces_span_metrics_duration_milliseconds Span durations in milliseconds, weighted by their adjusted count.',
      '# TYPE traces_span_metrics_duration_milliseconds histogram',
      `traces_span_metrics_duration_milliseconds_bucket{${L},le="2"} 0`,
      `traces_span_metrics_duration_milliseconds_bucket{${L},le="10"} 1`,
      `traces_span_metrics_duration_milliseconds_bucket{${L},le="+Inf"} 1`,
      `traces_span_metrics_duration_milliseconds_sum{${L}} 7.5`,
      `traces_span_metrics_duration_milliseconds_count{${L}} 1`, ''].join('\n'));
  });

  test('dimension values are written as the prometheus exporter writes attribute values (bytes base64, maps JSON)', async () => {
    const { proc, text } = setup({ dimensions: ['blob', 'map', '2xx'] });
    const attributes = f.kv({ blob: new Uint8Array([1, 2]), map: { kvlistValue: [{ key: 'k', value: 'v' }] }, '2xx': 7n });
    await proc.consume(f.traces({ 'service.name': 'shop' }, [f.span({ name: 'op', attributes })]));
    expect(calls(await text())).toEqual(['traces_span_metrics_calls_total{service_name="shop",span_name="op",span_kind="SPAN_KIND_SERVER",'
      + 'status_code="STATUS_CODE_UNSET",blob="AQI=",map="{\\"k\\":\\"v\\"}",key_2xx="7"} 1']);
  });

  test('histogram.unit s names the histogram in seconds and scales buckets and observations', async () => {
    const { proc, text } = setup({ histogram: { unit: 's', explicit: { buckets: [2, 10] } } });
    await proc.consume(f.traces({ 'service.name': 'shop' }, [f.span({ name: 'GET /a', kind: 3, endTimeUnixNano: f.T0 + 7_500_000n })]));
    const L = 'service_name="shop",span_name="GET /a",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"';
    const body = await text();
    expect(body).toContain('# TYPE traces_span_metrics_duration_seconds histogram');
    expect(body).toContain(`traces_span_metrics_duration_seconds_bucket{${L},le="0.002"} 0`);
    expect(body).toContain(`traces_span_metrics_duration_seconds_bucket{${L},le="0.01"} 1`);
    expect(body).toContain(`traces_span_metrics_duration_seconds_sum{${L}} 0.0075`);
    expect(body).not.toContain('milliseconds');
  });

  test('default buckets are the Collector\'s', () => {
    expect(spanMetricsProcessorFactory.createDefaultConfig().histogram.explicit).toBeUndefined();
    expect(DEFAULT_BUCKETS_MS).toEqual([2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000]);
  });

  test('1,000 calls with 37 errors count exactly; spans pass on unchanged and unmutated', async () => {
    const { proc, next, text } = setup();
    const spans = Array.from({ length: 1000 }, (_, i) => f.span({ name: 'checkout', status: { code: i < 37 ? 2 : 1, message: '' } }));
    const td = f.traces({ 'service.name': 'shop' }, spans);
    const before = JSON.stringify(td, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    await proc.consume(td);
    expect(next.got).toHaveLength(1);
    expect(next.got[0]).toBe(td);
    expect(JSON.stringify(td, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).toBe(before);
    expect(calls(await text())).toEqual([
      'traces_span_metrics_calls_total{service_name="shop",span_name="checkout",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_ERROR"} 37',
      'traces_span_metrics_calls_total{service_name="shop",span_name="checkout",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_OK"} 963',
    ]);
  });

  test('head-sampled spans with ot=th:c (25 %) count ×4 exactly, in calls, buckets, count and sum', async () => {
    const { proc, text } = setup();
    const spans = Array.from({ length: 250 }, (_, i) => f.span({ name: 's', traceState: i % 2 ? 'vendor=1,ot=th:c' : 'ot=rv:00000000000001;th:c', endTimeUnixNano: f.T0 + 3_000_000n }));
    await proc.consume(f.traces({ 'service.name': 'shop' }, spans));
    const body = await text();
    const L = 'service_name="shop",span_name="s",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"';
    expect(body).toContain(`traces_span_metrics_calls_total{${L}} 1000\n`);
    expect(body).toContain(`traces_span_metrics_duration_milliseconds_bucket{${L},le="4"} 1000\n`);
    expect(body).toContain(`traces_span_metrics_duration_milliseconds_count{${L}} 1000\n`);
    expect(body).toContain(`traces_span_metrics_duration_milliseconds_sum{${L}} 3000\n`);
  });

  test('dimensions from span, then resource, then default; missing ones are omitted; labels sanitised', async () => {
    const { proc, text } = setup({ dimensions: ['http.route', { name: 'deployment.environment', default: 'none' }, 'k8s.pod.name'] });
    await proc.consume(f.traces({ 'service.name': 'shop', 'k8s.pod.name': 'pod-1' }, [
      f.span({ name: 'a', attributes: f.kv({ 'http.route': '/x', 'k8s.pod.name': 'span-wins' }) }),
      f.span({ name: 'b' }),
    ]));
    expect(calls(await text())).toEqual([
      'traces_span_metrics_calls_total{service_name="shop",span_name="a",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",http_route="/x",deployment_environment="none",k8s_pod_name="span-wins"} 1',
      'traces_span_metrics_calls_total{service_name="shop",span_name="b",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",deployment_environment="none",k8s_pod_name="pod-1"} 1',
    ]);
  });

  test('a batch refused downstream and sent again is counted once', async () => {
    const { settings, registry, host } = f.settings('spanmetrics');
    let refuse = 2;
    const next = { consume: async () => { if (refuse-- > 0) throw new Error('queue full'); } };
    const proc = spanMetricsProcessorFactory.create.traces!(settings, spanMetricsProcessorFactory.parse({}), next);
    await proc.start(host);
    const td = f.traces({ 'service.name': 'shop' }, [f.span({ name: 'pay' })]);
    await expect(proc.consume(td)).rejects.toThrow('queue full');
    await expect(proc.consume(td)).rejects.toThrow('queue full');
    expect(calls((await registry.render(undefined)).body)).toEqual([
      'traces_span_metrics_calls_total{service_name="shop",span_name="pay",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 0',
    ]);
    await proc.consume(td);
    expect(calls((await registry.render(undefined)).body)).toEqual([
      'traces_span_metrics_calls_total{service_name="shop",span_name="pay",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1',
    ]);
  });

  test('metrics_expiration removes idle series and frees room under cardinality_limit', async () => {
    const { proc, text } = setup({ cardinality_limit: 1, metrics_expiration: '10m' });
    await proc.consume(f.traces({ 'service.name': 'a' }, [f.span({ name: 'old' })]));
    const soon = Date.now() + 60_000;
    expect((proc as unknown as { expire(now: number): number }).expire(soon)).toBe(0);
    expect((proc as unknown as { expire(now: number): number }).expire(Date.now() + 11 * 60_000)).toBe(1);
    await proc.consume(f.traces({ 'service.name': 'a' }, [f.span({ name: 'new' })]));
    expect(calls(await text())).toEqual([
      'traces_span_metrics_calls_total{service_name="a",span_name="new",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1',
    ]);
    expect(spanMetricsProcessorFactory.createDefaultConfig().metrics_expiration).toBe(3_600_000);
  });

  test('overflow keeps one series per service', async () => {
    const { proc, text } = setup({ cardinality_limit: 1 });
    await proc.consume(f.traces({ 'service.name': 'a' }, [f.span({ name: 'x' }), f.span({ name: 'y' })]));
    await proc.consume(f.traces({ 'service.name': 'b' }, [f.span({ name: 'z' })]));
    expect(calls(await text()).filter((l) => l.includes('overflow'))).toEqual([
      'traces_span_metrics_calls_total{service_name="a",otel_metric_overflow="true"} 1',
      'traces_span_metrics_calls_total{service_name="b",otel_metric_overflow="true"} 1',
    ]);
  });

  test('past cardinality_limit new combinations fold into otel_metric_overflow="true" and a self counter says so', async () => {
    const { proc, text, self } = setup({ cardinality_limit: 2 });
    await proc.consume(f.traces({ 'service.name': 'shop' }, ['a', 'b', 'c', 'd', 'a', 'c'].map((name) => f.span({ name }))));
    expect(calls(await text())).toEqual([
      'traces_span_metrics_calls_total{service_name="shop",span_name="a",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 2',
      'traces_span_metrics_calls_total{service_name="shop",span_name="b",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1',
      'traces_span_metrics_calls_total{service_name="shop",otel_metric_overflow="true"} 3',
    ]);
    const { resourceMetrics } = await self.exporter.collect();
    const overflow = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'outrider_spanmetrics_overflow_spans');
    expect(overflow?.dataPoints[0]?.value).toBe(3);
  });

  test('exemplars (trace and span id) on buckets and calls in OpenMetrics', async () => {
    const { proc, registry } = setup({ histogram: { explicit: { buckets: [10] } } });
    await proc.consume(f.traces({ 'service.name': 'shop' }, [f.span({ name: 'a', traceId: new Uint8Array(16).fill(0xaa), spanId: new Uint8Array(8).fill(0xbb) })]));
    const { body, contentType } = await registry.render('application/openmetrics-text; version=1.0.0');
    expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const ex = `# {trace_id="${'aa'.repeat(16)}",span_id="${'bb'.repeat(8)}"}`;
    expect(body).toContain(`le="10"} 1 ${ex} 5 1700000000.005\n`);
    expect(body).toContain(`traces_span_metrics_calls_total{service_name="shop",span_name="a",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1 ${ex} 1 1700000000.005\n`);
    expect(body.endsWith('# EOF\n')).toBe(true);
  });

  test('exponential histogram option renders classic buckets at base-2 boundaries', async () => {
    const { proc, text } = setup({ histogram: { exponential: { max_size: 4 } } });
    await proc.consume(f.traces({ 'service.name': 'shop' }, [1, 3, 100].map((ms) => f.span({ name: 'a', endTimeUnixNano: f.T0 + BigInt(ms) * 1_000_000n }))));
    const lines = (await text()).split('\n').filter((l) => l.includes('_bucket'));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.at(-1)).toMatch(/le="\+Inf"} 3$/);
  });

  test('config problems are reported with key paths', () => {
    expect(spanMetricsProcessorFactory.validate({ histogram: { explicit: { buckets: [5, 2] }, exponential: {} }, dimensions: ['span.name'], bogus: 1 })
      .map((p) => p.path).sort()).toEqual(['bogus', 'dimensions.0', 'histogram', 'histogram.explicit.buckets.1']);
  });

  test('shutdown removes the series from the registry; it is idempotent', async () => {
    const { proc, text } = setup();
    await proc.consume(f.traces({ 'service.name': 'shop' }, [f.span({ name: 'a' })]));
    await proc.shutdown();
    await proc.shutdown();
    expect(await text()).toBe('');
  });
});

describe('spanmetrics on the fake clock', () => {
  test('the expiry sweep runs on its timer: an idle series leaves the exposition after metrics_expiration, an active one stays', async () => {
    const settings = testSettings('spanmetrics');
    const proc = spanMetricsProcessorFactory.create.traces!(settings, spanMetricsProcessorFactory.parse({ metrics_expiration: '5m' }), f.sink());
    await proc.start(settings.host);
    const send = (name: string) => proc.consume(f.traces({ 'service.name': 'shop' }, [f.span({ name })]));
    const names = async () => (await settings.render()).split('\n').filter((l) => l.startsWith('traces_span_metrics_calls_total')).map((l) => /span_name="([^"]+)"/.exec(l)![1]);
    await send('idle');
    await send('busy');
    await settings.clock.advance(4 * 60_000);
    await send('busy');
    expect(await names()).toEqual(['idle', 'busy']);
    await settings.clock.advance(60_000);  // the sweep at 5 m: 'idle' is exactly 5 m old, not past it
    expect(await names()).toEqual(['idle', 'busy']);
    await settings.clock.advance(60_000);  // the sweep at 6 m removes it
    expect(await names()).toEqual(['busy']);
    await proc.shutdown();
    expect(settings.clock.pending).toBe(0);  // the sweep timer is cancelled at shutdown
  });

  test('error spans leave example trace ids in the signals service (span_errors), at most one per series per 100 ms', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { settings, host, signals } = f.settings('spanmetrics', { now: () => now });
    const proc = spanMetricsProcessorFactory.create.traces!(settings, spanMetricsProcessorFactory.parse({}), f.sink<TracesData>());
    await proc.start(host);
    const err = (b: number) => f.span({ name: 'GET /a', traceId: new Uint8Array(16).fill(b), status: { message: '', code: 2 } });
    await proc.consume(f.traces({ 'service.name': 'shop' }, [err(3), err(4), f.span({ name: 'GET /a', traceId: new Uint8Array(16).fill(5) })]));
    expect(signals.traceIds('span_errors', { service_name: 'shop' }, 60_000, 5)).toEqual(['03'.repeat(16)]);
    now += 100;
    await proc.consume(f.traces({ 'service.name': 'shop' }, [err(6)]));
    expect(signals.traceIds('span_errors', { service_name: 'shop', span_name: 'GET /a' }, 60_000, 5)).toEqual(['06'.repeat(16), '03'.repeat(16)]);
    expect(signals.traceIds('span_errors', { service_name: 'other' }, 60_000, 5)).toEqual([]);
    await proc.shutdown();
  });
});

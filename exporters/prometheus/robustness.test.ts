// One bad OTLP metric never breaks /metrics: empty names, extreme exp-histogram scales, OpenMetrics
// family collisions; warnings rate-limited per family; one prometheus exporter per registry.
import { describe, expect, test } from 'vitest';
import type { Metric } from '../../agent/pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { prometheusExporterFactory } from './index.js';

const L = 'job="shop",otel_scope_name="lib",otel_scope_version="1.2.0"';
const OM = 'application/openmetrics-text;version=1.0.0';

async function setup(opts: { self?: boolean } = {}) {
  let now = 1_000_000;
  const { settings, registry, host, render } = f.settings('prometheus', { now: () => now, self: opts.self });
  const logs: Array<Record<string, unknown> & { msg: string }> = [];
  settings.logger = { warn: (o: object, msg: string) => { logs.push({ ...o, msg }); } } as never;
  const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.parse({}), ['metrics']) as any;
  exp.now = () => now;
  await exp.start(host);
  const send = (ms: Metric[]) => exp.metrics.consume(f.metrics({ 'service.name': 'shop' }, ms));
  const body = async (accept?: string) => (await render(accept)).body;
  return { send, body, logs, advance: (ms: number) => { now += ms; }, registry, settings };
}

const gauge = (name: string, v: number) => f.metric(name, '', { type: 'gauge', dataPoints: [f.numberPoint(v)] }, 'd');
const counter = (name: string, unit: string, v: number) =>
  f.metric(name, unit, { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints: [f.numberPoint(v)] }, 'd');
const expHist = (scale: number, zeroCount: number, positive: { offset: number; bucketCounts: number[] } | null,
  negative: { offset: number; bucketCounts: number[] } | null = null) => {
  const count = zeroCount + [positive, negative].reduce((a, b) => a + (b?.bucketCounts.reduce((x, y) => x + y, 0) ?? 0), 0);
  const p = { ...f.histPoint([], [], 0), scale, zeroCount, zeroThreshold: 0, sum: 1, count, positive, negative };
  return f.metric('sz', 'By', { type: 'exponentialHistogram', aggregationTemporality: 2, dataPoints: [p as never] }, 'd');
};
const histText = (buckets: Array<[string, number]>, count: number) => ['# HELP sz_bytes d', '# TYPE sz_bytes histogram',
  ...buckets.map(([le, n]) => `sz_bytes_bucket{${L},le="${le}"} ${n}`), `sz_bytes_bucket{${L},le="+Inf"} ${count}`,
  `sz_bytes_sum{${L}} 1`, `sz_bytes_count{${L}} ${count}`, ''].join('\n');

describe('metric names without ASCII letters or digits', () => {
  test('are skipped (no `# TYPE  gauge`), the rest is served', async () => {
    const { send, body } = await setup();
    await send([gauge('请求数', 1), counter('请求数', 's', 2), gauge('...', 3), gauge('ok', 4)]);
    expect(await body()).toBe(`# HELP ok d\n# TYPE ok gauge\nok{${L}} 4\n`);
  });
  test('are counted as invalid_name and logged once per name per minute', async () => {
    const { send, body, logs, advance } = await setup({ self: true });
    const batch = [gauge('请求数', 1), counter('请求数', 's', 2), gauge('...', 3)];
    await send(batch);
    await send(batch);
    expect(logs.map((l) => [l.metric, l.reason, l.suppressed])).toEqual([['请求数', 'invalid_name', 0], ['...', 'invalid_name', 0]]);
    advance(60_001);
    await send(batch);
    expect(logs.slice(2).map((l) => [l.metric, l.suppressed])).toEqual([['请求数', 3], ['...', 1]]);
    expect(await body()).toContain('outrider_exporter_dropped_metric_points_total{exporter="prometheus",reason="invalid_name"} 9\n');
  });
});

describe('exponential histogram scales', () => {
  test('scale < −4 is dropped and counted', async () => {
    const { send, body } = await setup({ self: true });
    await send([expHist(-5, 0, { offset: 0, bucketCounts: [1, 1] }), gauge('ok', 1)]);
    const text = await body();
    expect(text).not.toContain('sz_bytes');
    expect(text).toContain(`ok{${L}} 1\n`);
    expect(text).toContain('outrider_exporter_dropped_metric_points_total{exporter="prometheus",reason="invalid_scale"} 1\n');
  });
  test('scale −4: buckets whose bound overflows to Infinity fold into a single +Inf', async () => {
    const { send, body } = await setup();
    await send([expHist(-4, 0, { offset: 60, bucketCounts: [1, 1, 1, 1, 1] })]);
    expect(await body()).toBe(histText([[String(2 ** 960), 0], [String(2 ** 976), 1], [String(2 ** 992), 2], [String(2 ** 1008), 3]], 5));
  });
  test('scale > 8 is downscaled to 8', async () => {
    const { send, body } = await setup();
    await send([expHist(10, 0, { offset: 0, bucketCounts: [1, 1, 1, 1, 1] })]);
    expect(await body()).toBe(histText([['1', 0], [String(2 ** (1 / 256)), 4], [String(2 ** (2 / 256)), 5]], 5));
  });
  test('bounds that underflow to 0 or overflow to −Infinity never repeat an le', async () => {
    const { send, body } = await setup();
    await send([expHist(0, 1, { offset: -1080, bucketCounts: [1] }, { offset: 1100, bucketCounts: [1] })]);
    expect(await body()).toBe(histText([['0', 3]], 3));
  });
});

describe('family collisions across names', () => {
  test('counter req and gauge req: one OpenMetrics family req, the later (gauge) is dropped', async () => {
    const { send, body } = await setup();
    await send([counter('req', '', 5), gauge('req', 1)]);
    expect(await body(OM)).toBe(`# HELP req d\n# TYPE req counter\nreq_total{${L}} 5\n# EOF\n`);
    expect(await body()).toBe(`# HELP req_total d\n# TYPE req_total counter\nreq_total{${L}} 5\n`);
  });
  test('a gauge named like a histogram sample (lat_count) is dropped', async () => {
    const { send, body } = await setup();
    const h = f.metric('lat', '', { type: 'histogram', aggregationTemporality: 2, dataPoints: [f.histPoint([1], [1, 0], 0.5)] }, 'd');
    await send([h, gauge('lat_count', 7)]);
    expect(await body()).toBe(['# HELP lat d', '# TYPE lat histogram', `lat_bucket{${L},le="1"} 1`, `lat_bucket{${L},le="+Inf"} 1`,
      `lat_sum{${L}} 0.5`, `lat_count{${L}} 1`, ''].join('\n'));
  });
});

describe('warnings', () => {
  test('type_conflict and misaligned_delta: one warning per family per minute, with the suppressed count', async () => {
    const { send, logs, advance } = await setup();
    const h = (start: bigint, end: bigint) => f.metric('x', '', { type: 'histogram', aggregationTemporality: 1, dataPoints: [f.histPoint([1], [1, 0], 1, {}, start, end)] }, 'd');
    await send([gauge('x', 1)]);
    for (let i = 0; i < 5; i++) await send([h(f.T0, f.T0 + f.S)]);
    expect(logs.map((l) => [l.metric, l.reason, l.suppressed])).toEqual([['x', 'type_conflict', 0]]);
    const d = (start: bigint, end: bigint) => f.metric('y', '', { type: 'histogram', aggregationTemporality: 1, dataPoints: [f.histPoint([1], [1, 0], 1, {}, start, end)] }, 'd');
    await send([d(f.T0, f.T0 + 2n * f.S)]);
    for (let i = 0; i < 3; i++) await send([d(f.T0 + f.S, f.T0 + 3n * f.S)]); // starts before the previous end
    expect(logs.slice(1).map((l) => [l.metric, l.reason, l.suppressed])).toEqual([['y', 'misaligned_delta', 0]]);
    advance(60_001);
    await send([h(f.T0, f.T0 + f.S)]);
    expect(logs.slice(2).map((l) => [l.metric, l.reason, l.suppressed])).toEqual([['x', 'type_conflict', 4]]);
  });
});

describe('one prometheus exporter per registry', () => {
  test('a second one fails to start, naming both; the first keeps its enable_open_metrics', async () => {
    const { settings, registry, host, render } = f.settings('prometheus/a');
    const a = prometheusExporterFactory.create(settings, prometheusExporterFactory.parse({ enable_open_metrics: false }), ['metrics']);
    const b = prometheusExporterFactory.create({ ...settings, id: 'prometheus/b' }, prometheusExporterFactory.parse({}), ['metrics']);
    await a.start(host);
    await expect(b.start(host)).rejects.toThrow(/'prometheus\/b' cannot start: prometheus exporter 'prometheus\/a' already serves/);
    await a.metrics!.consume(f.metrics({ 'service.name': 'shop' }, [gauge('g', 1)]));
    expect((await render(OM)).body).toBe(`# HELP g d\n# TYPE g gauge\ng{${L}} 1\n`);
    await a.shutdown();
    await b.start(host);
    expect((await render(OM)).body).toBe('# EOF\n');
  });
});

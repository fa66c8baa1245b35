// Delta → cumulative (adds, resets, out-of-order, misaligned), NoRecordedValue and expiration.
import { describe, expect, test } from 'vitest';
import type { Metric } from '../../agent/pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { prometheusExporterFactory } from './index.js';

const S = f.S;
const T0 = f.T0;
const L = 'job="shop",otel_scope_name="lib",otel_scope_version="1.2.0"';

async function setup(cfg: object = {}) {
  let now = 1_000_000;
  const clock = { set: (ms: number) => { now = ms; }, get: () => now };
  const { settings, registry, host, render } = f.settings('prometheus', { now: () => now });
  const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.parse(cfg), ['metrics']) as any;
  exp.now = () => now;
  await exp.start(host);
  const send = (ms: Metric[], res: Record<string, unknown> = { 'service.name': 'shop' }) => exp.metrics.consume(f.metrics(res as never, ms));
  const body = async () => (await render(undefined)).body;
  return { exp, send, body, clock };
}

const deltaSum = (v: number, start: bigint, end: bigint) =>
  f.metric('reqs', '', { type: 'sum', aggregationTemporality: 1, isMonotonic: true, dataPoints: [f.numberPoint(v, {}, start, end)] }, 'd');
const deltaHist = (counts: number[], sum: number, start: bigint, end: bigint, bounds = [1, 10]) =>
  f.metric('lat', 's', { type: 'histogram', aggregationTemporality: 1, dataPoints: [f.histPoint(bounds, counts, sum, {}, start, end)] }, 'd');

describe('delta sums', () => {
  test('contiguous deltas add up; the start time stays', async () => {
    const { send, body } = await setup();
    await send([deltaSum(2, T0, T0 + S)]);
    await send([deltaSum(3, T0 + S, T0 + 2n * S)]);
    await send([deltaSum(4, T0 + 2n * S, T0 + 3n * S)]);
    expect(await body()).toBe(`# HELP reqs_total d\n# TYPE reqs_total counter\nreqs_total{${L}} 9\n`);
  });
  test('a delta whose start is not the previous end is a reset: it replaces the value', async () => {
    const { send, body } = await setup();
    await send([deltaSum(5, T0, T0 + S)]);
    await send([deltaSum(1, T0 + 5n * S, T0 + 6n * S)]);
    expect(await body()).toContain(`reqs_total{${L}} 1\n`);
    await send([deltaSum(2, T0 + 6n * S, T0 + 7n * S)]);
    expect(await body()).toContain(`reqs_total{${L}} 3\n`);
  });
  test('an older point than the stored one is ignored', async () => {
    const { send, body } = await setup();
    await send([deltaSum(5, T0 + 2n * S, T0 + 3n * S)]);
    await send([deltaSum(7, T0, T0 + S)]);
    expect(await body()).toContain(`reqs_total{${L}} 5\n`);
  });
  test('cumulative sums replace (a lower value is a reset Prometheus sees)', async () => {
    const { send, body } = await setup();
    const cum = (v: number, t: bigint) => f.metric('reqs', '', { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints: [f.numberPoint(v, {}, T0, t)] }, 'd');
    await send([cum(10, T0 + S)]);
    await send([cum(4, T0 + 2n * S)]);
    expect(await body()).toContain(`reqs_total{${L}} 4\n`);
  });
});

describe('delta histograms', () => {
  test('contiguous deltas merge bucket by bucket', async () => {
    const { send, body } = await setup();
    await send([deltaHist([1, 0, 0], 0.5, T0, T0 + S)]);
    await send([deltaHist([0, 2, 1], 30, T0 + S, T0 + 2n * S)]);
    expect(await body()).toBe([
      '# HELP lat_seconds d', '# TYPE lat_seconds histogram',
      `lat_seconds_bucket{${L},le="1"} 1`, `lat_seconds_bucket{${L},le="10"} 3`, `lat_seconds_bucket{${L},le="+Inf"} 4`,
      `lat_seconds_sum{${L}} 30.5`, `lat_seconds_count{${L}} 4`, ''].join('\n'));
  });
  test('a newer misaligned start resets; an older misaligned start is dropped; new bounds win', async () => {
    const { send, body } = await setup();
    await send([deltaHist([1, 0, 0], 0.5, T0, T0 + 2n * S)]);
    await send([deltaHist([0, 0, 9], 900, T0 + S, T0 + 3n * S)]); // starts before the previous end: dropped
    expect(await body()).toContain(`lat_seconds_count{${L}} 1\n`);
    await send([deltaHist([0, 1, 0], 5, T0 + 4n * S, T0 + 5n * S)]); // gap: reset
    expect(await body()).toContain(`lat_seconds_sum{${L}} 5\nlat_seconds_count{${L}} 1\n`);
    await send([deltaHist([2, 0], 1, T0 + 5n * S, T0 + 6n * S, [3])]); // aligned but other bounds: the newer wins
    expect(await body()).toContain(`lat_seconds_bucket{${L},le="3"} 2\nlat_seconds_bucket{${L},le="+Inf"} 2\n`);
  });
  test('delta exponential histograms merge at the smaller scale', async () => {
    const { send, body } = await setup();
    const exp = (scale: number, offset: number, counts: number[], start: bigint, end: bigint) => f.metric('sz', 'By', {
      type: 'exponentialHistogram', aggregationTemporality: 1, dataPoints: [{ ...f.histPoint([], [], 0, {}, start, end), scale, zeroCount: 0, zeroThreshold: 0,
        sum: 1, count: counts.reduce((a, b) => a + b, 0), positive: { offset, bucketCounts: counts }, negative: null } as never] }, 'd');
    await send([exp(1, 0, [1, 1], T0, T0 + S)]); // (1,√2], (√2,2]
    await send([exp(0, 1, [3], T0 + S, T0 + 2n * S)]); // (2,4]
    expect(await body()).toBe(['# HELP sz_bytes d', '# TYPE sz_bytes histogram',
      `sz_bytes_bucket{${L},le="1"} 0`, `sz_bytes_bucket{${L},le="2"} 2`, `sz_bytes_bucket{${L},le="4"} 5`, `sz_bytes_bucket{${L},le="+Inf"} 5`,
      `sz_bytes_sum{${L}} 2`, `sz_bytes_count{${L}} 5`, ''].join('\n'));
  });
});

describe('lifecycle of series', () => {
  test('NoRecordedValue deletes the series', async () => {
    const { send, body } = await setup();
    const g = (flags: number) => f.metric('g', '', { type: 'gauge', dataPoints: [f.numberPoint(1, { a: 'x' }, T0, T0 + S, flags)] }, 'd');
    await send([g(0)]);
    expect(await body()).toContain('g{a="x"');
    await send([g(1)]);
    expect(await body()).toBe('');
  });
  test('series and target_info expire after metric_expiration without updates', async () => {
    const { send, body, clock } = await setup({ metric_expiration: '1m' });
    const res = { 'service.name': 'shop', 'host.name': 'h' };
    await send([f.metric('a', '', { type: 'gauge', dataPoints: [f.numberPoint(1)] }, 'd')], res);
    clock.set(1_000_000 + 30_000);
    await send([f.metric('b', '', { type: 'gauge', dataPoints: [f.numberPoint(2)] }, 'd')], { 'service.name': 'shop' });
    clock.set(1_000_000 + 60_001);
    const text = await body();
    expect(text).not.toContain('a{');
    expect(text).not.toContain('target_info');
    expect(text).toContain(`b{${L}} 2\n`);
    clock.set(1_000_000 + 90_002);
    expect(await body()).toBe('');
  });
  test('shutdown removes the exporter from the registry and refuses data', async () => {
    const { exp, send, body } = await setup();
    await send([f.metric('a', '', { type: 'gauge', dataPoints: [f.numberPoint(1)] }, 'd')]);
    await exp.shutdown();
    await exp.shutdown();
    expect(await body()).toBe('');
    await expect(send([])).rejects.toThrow(/shutting down/);
  });
});

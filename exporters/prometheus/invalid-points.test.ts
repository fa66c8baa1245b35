// Invalid points that reach the exporter some other way than the OTLP receiver (which refuses
// them) are dropped, counted and logged, never exposed as broken histograms or counters.
import { describe, expect, test } from 'vitest';
import type { Metric } from '../../agent/pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { prometheusExporterFactory } from './index.js';

async function setup() {
  const { settings, registry, self, host } = f.settings('prometheus', { self: true });
  const logs: Array<Record<string, unknown>> = [];
  settings.logger = { warn: (o: object) => { logs.push(o as Record<string, unknown>); }, debug() {}, info() {}, error() {} } as never;
  const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.parse({}), ['metrics']);
  await exp.start(host);
  const send = (ms: Metric[]) => exp.metrics!.consume(f.metrics({ 'service.name': 'shop' }, ms));
  const body = async () => (await registry.render(undefined)).body;
  return { send, body, logs, self };
}

const hist = (name: string, bounds: number[], counts: number[], count?: number, temporality = 2): Metric => {
  const p = f.histPoint(bounds, counts, 1);
  if (count !== undefined) p.count = count;
  return f.metric(name, '', { type: 'histogram', aggregationTemporality: temporality, dataPoints: [p] }, 'd');
};
const sum = (name: string, temporality: number): Metric =>
  f.metric(name, '', { type: 'sum', aggregationTemporality: temporality, isMonotonic: true, dataPoints: [f.numberPoint(3)] }, 'd');

describe('invalid points reaching the exporter', () => {
  test('bad bounds, bucket counts, count and temporality: dropped and counted as invalid_point, the valid ones served', async () => {
    const { send, body, logs, self } = await setup();
    await send([
      hist('h_desc', [5, 1], [1, 1, 1]), hist('h_same', [1, 1], [1, 1, 1]), hist('h_nan', [NaN], [1, 1]),
      hist('h_short', [1, 2, 3, 4], [1, 1]), hist('h_count', [1], [1, 1], 7), hist('h_temp', [1], [1, 1], undefined, 0),
      sum('s_zero', 0), sum('s_99', 99),
      f.metric('e_count', '', { type: 'exponentialHistogram', aggregationTemporality: 2, dataPoints: [{ ...f.histPoint([], [], 1), count: 9, scale: 0,
        zeroCount: 0, zeroThreshold: 0, positive: { offset: 0, bucketCounts: [1] }, negative: null } as never] }, 'd'),
      hist('h_ok', [1, 2], [1, 0, 1]), sum('s_ok', 2),
    ]);
    const text = await body();
    for (const bad of ['h_desc', 'h_same', 'h_nan', 'h_short', 'h_count', 'h_temp', 's_zero', 's_99', 'e_count']) expect(text).not.toContain(bad);
    expect(text).toContain('h_ok_bucket{');
    expect(text).toContain('s_ok_total{');
    expect(text).toContain('outrider_exporter_dropped_metric_points_total{exporter="prometheus",reason="invalid_point"} 9\n');
    expect(logs.find((l) => l.metric === 'h_desc')).toMatchObject({ reason: 'invalid_point', problem: 'explicit_bounds must increase strictly, got 5 then 1' });
    expect(logs.find((l) => l.metric === 's_99')).toMatchObject({ problem: 'aggregation_temporality must be 1 (delta) or 2 (cumulative), got 99' });
    await self.meterProvider.shutdown();
  });
});

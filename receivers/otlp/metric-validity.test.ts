// Metric points the OTLP spec calls invalid are taken out of the batch with a message naming the
// metric and the problem; valid points of the same request stay.
import { describe, expect, test } from 'vitest';
import type { Metric, MetricsData } from '../../agent/pdata/model.js';
import { pointCount } from '../../agent/pdata/count.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { dropInvalidMetricPoints } from './metric-validity.js';

const hist = (name: string, bounds: number[], counts: number[], count?: number, temporality = 2): Metric => {
  const p = f.histPoint(bounds, counts, 1);
  if (count !== undefined) p.count = count;
  return f.metric(name, '', { type: 'histogram', aggregationTemporality: temporality, dataPoints: [p] });
};
const sum = (name: string, temporality: number, points = 1): Metric => f.metric(name, '', {
  type: 'sum', aggregationTemporality: temporality, isMonotonic: true, dataPoints: Array.from({ length: points }, () => f.numberPoint(1)) });
const expHist = (name: string, count: number): Metric => f.metric(name, '', { type: 'exponentialHistogram', aggregationTemporality: 2, dataPoints: [{
  ...f.histPoint([], [], 1), count, scale: 0, zeroCount: 1, zeroThreshold: 0, positive: { offset: 0, bucketCounts: [2, 1] }, negative: { offset: 0, bucketCounts: [1] } } as never] });

function names(md: MetricsData): string[] {
  return md.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name)));
}

describe('dropInvalidMetricPoints', () => {
  test.each([
    ['bounds out of order [5, 1]', hist('h', [5, 1], [1, 1, 1]), /'h': explicit_bounds must increase strictly, got 5 then 1/],
    ['a repeated bound [1, 1]', hist('h', [1, 1], [1, 1, 1]), /'h': explicit_bounds must increase strictly, got 1 then 1/],
    ['a NaN bound', hist('h', [1, NaN], [1, 1, 1]), /'h': explicit_bounds\[1\] must be finite, got NaN/],
    ['an infinite bound', hist('h', [1, Infinity], [1, 1, 1]), /'h': explicit_bounds\[1\] must be finite, got Infinity/],
    ['two bucket counts for four bounds', hist('h', [1, 2, 3, 4], [1, 1]), /'h': 2 bucket_counts for 4 explicit_bounds \(must be 5\)/],
    ['bounds without bucket counts', hist('h', [1, 2], []), /'h': 0 bucket_counts for 2 explicit_bounds \(must be 3\)/],
    ['count disagreeing with the buckets', hist('h', [1], [1, 1], 5), /'h': count 5 is not the sum of bucket_counts \(2\)/],
    ['a histogram of temporality 0', hist('h', [1], [1, 1], undefined, 0), /'h': aggregation_temporality must be 1 \(delta\) or 2 \(cumulative\), got 0/],
    ['a sum of temporality 0', sum('s', 0), /'s': aggregation_temporality must be 1 \(delta\) or 2 \(cumulative\), got 0/],
    ['a sum of temporality 99', sum('s', 99), /'s': aggregation_temporality must be 1 \(delta\) or 2 \(cumulative\), got 99/],
    ['an exponential histogram whose count is not zero_count plus its buckets', expHist('e', 9), /'e': count 9 is not zero_count plus the bucket_counts \(5\)/],
  ])('%s is rejected, the valid metrics beside it kept', (_what, bad, message) => {
    const md = f.metrics({ 'service.name': 'a' }, [hist('ok_h', [1, 2], [1, 0, 3]), bad, sum('ok_s', 2), expHist('ok_e', 5)]);
    const r = dropInvalidMetricPoints(md);
    expect(r.rejected).toBe(1);
    expect(r.message).toMatch(/^1 metric data point\(s\) rejected: /);
    expect(r.message).toMatch(message);
    expect(names(md)).toEqual(['ok_h', 'ok_s', 'ok_e']);
    expect(pointCount(md)).toBe(3);
  });

  test('a valid batch is untouched', () => {
    const md = f.metrics({}, [hist('h', [], [], 0), hist('h2', [], [7], 7), sum('s', 1, 3), f.metric('g', '', { type: 'gauge', dataPoints: [f.numberPoint(NaN)] })]);
    expect(dropInvalidMetricPoints(md)).toEqual({ rejected: 0, message: '' });
    expect(pointCount(md)).toBe(6);
  });

  test('a point flagged NoRecordedValue carries no buckets and is kept', () => {
    const p = { ...f.histPoint([1, 2], [], 0), flags: 1 };
    const md = f.metrics({}, [f.metric('h', '', { type: 'histogram', aggregationTemporality: 2, dataPoints: [p] })]);
    expect(dropInvalidMetricPoints(md).rejected).toBe(0);
  });

  test('every point of a metric with a bad temporality counts; the message names at most three problems', () => {
    const md = f.metrics({}, [sum('a', 0, 4), hist('b', [2, 1], [0, 0, 0]), hist('c', [1], [1]), hist('d', [1], [1, 1], 9), sum('ok', 2)]);
    const r = dropInvalidMetricPoints(md);
    expect(r.rejected).toBe(7);
    expect(r.message).toBe("7 metric data point(s) rejected: 'a': aggregation_temporality must be 1 (delta) or 2 (cumulative), got 0 (4 points); "
      + "'b': explicit_bounds must increase strictly, got 2 then 1; 'c': 1 bucket_counts for 1 explicit_bounds (must be 2); and 1 more");
    expect(names(md)).toEqual(['ok']);
  });

  test('one problem repeated over many points is named once, with its count', () => {
    const p = f.histPoint([2, 1], [0, 0, 0], 0);
    const md = f.metrics({}, [f.metric('h', '', { type: 'histogram', aggregationTemporality: 2, dataPoints: [p, { ...p }, { ...p }] })]);
    expect(dropInvalidMetricPoints(md).message).toBe("3 metric data point(s) rejected: 'h': explicit_bounds must increase strictly, got 2 then 1 (3 points)");
  });
});

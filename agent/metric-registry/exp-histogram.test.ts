// Classic buckets of an exponential histogram mark the lower edge of the lowest populated bucket,
// so Prometheus's histogram_quantile interpolates inside the right range.
import { describe, expect, test } from 'vitest';
import { ExpHistogramState, PROMETHEUS_SCALES } from './exp-histogram.js';

/** Prometheus 2.42's bucketQuantile over cumulative buckets (promql/quantile.go), +Inf last. */
function promQuantile(q: number, c: { bounds: number[]; counts: number[] }): number {
  const les = [...c.bounds, Infinity];
  let cum = 0;
  const buckets = les.map((le, i) => ({ le, count: (cum += c.counts[i]!) }));
  const total = buckets.at(-1)!.count;
  const rank = q * total;
  let b = buckets.findIndex((x, i) => i < buckets.length - 1 && x.count >= rank);
  if (b < 0) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  let start = 0;
  let count = buckets[b]!.count;
  let r = rank;
  if (b > 0) { start = buckets[b - 1]!.le; count -= buckets[b - 1]!.count; r -= buckets[b - 1]!.count; }
  return start + (buckets[b]!.le - start) * (r / count);
}

/** Relative width of one bucket at the Prometheus scale (8): 2^(1/256) − 1. */
const REL = 2 ** (1 / 256) - 1;

function state(values: number[], zeroThreshold = 0): ExpHistogramState {
  const h = new ExpHistogramState(1 << 12, PROMETHEUS_SCALES);
  h.zeroThreshold = zeroThreshold;
  for (const v of values) h.record(v);
  return h;
}

describe('classic buckets of an exponential histogram', () => {
  test('42 and 900: q=0.25 ≈ 42 and q=0.75 ≈ 900 (not interpolated from 0)', () => {
    const c = state([42, 900]).toClassic();
    expect(Math.abs(promQuantile(0.25, c) - 42) / 42).toBeLessThanOrEqual(REL);
    expect(Math.abs(promQuantile(0.75, c) - 900) / 900).toBeLessThanOrEqual(REL);
  });

  test('the first line is the lower edge of the lowest positive bucket, with count 0', () => {
    const c = state([42]).toClassic();
    expect(c.counts[0]).toBe(0);
    expect(c.bounds[0]!).toBeLessThan(42);
    expect(c.bounds[0]! * (1 + REL)).toBeCloseTo(c.bounds[1]!, 9);
    expect(c.bounds[1]!).toBeGreaterThanOrEqual(42);
  });

  test('with zeros below: the positive lower edge carries the zero count', () => {
    const c = state([0, 42, 900, 900]).toClassic();
    // 0 → bucket le=0; q=0.375 (rank 1.5) lies in 42's bucket, not halfway between 0 and 42.41
    expect(promQuantile(0.375, c)).toBeGreaterThan(42 / (1 + REL));
    expect(promQuantile(0.375, c)).toBeLessThanOrEqual(42 * (1 + REL));
    expect(promQuantile(0.2, c)).toBe(0);
  });

  test('negative values: interpolation starts at the lower edge of the most negative bucket', () => {
    const c = state([-900, -42]).toClassic();
    expect(c.counts[0]).toBe(0);
    expect(Math.abs(promQuantile(0.25, c) + 900) / 900).toBeLessThanOrEqual(REL);
    expect(Math.abs(promQuantile(0.75, c) + 42) / 42).toBeLessThanOrEqual(REL);
  });

  test('negatives then positives: the positive lower edge carries negatives and zeros', () => {
    const c = state([-5, 0, 42, 42]).toClassic();
    expect(Math.abs(promQuantile(0.75, c) - 42) / 42).toBeLessThanOrEqual(REL);
  });

  test('zero bucket with a threshold: it spans [-threshold, threshold]', () => {
    const c = state([0.001, -0.001, 0], 0.01).toClassic();
    expect(c.bounds).toEqual([-0.01, 0.01]);
    expect(c.counts).toEqual([0, 3, 0]);
    expect(promQuantile(0.5, c)).toBeCloseTo(0, 12);
  });

  test('lines stay strictly increasing and every count is kept', () => {
    for (const values of [[42, 900], [-900, -42], [0, 1e-300, 5], [-Number.MAX_VALUE, Number.MAX_VALUE, 0]]) {
      const c = state(values).toClassic();
      for (let i = 1; i < c.bounds.length; i++) expect(c.bounds[i]!).toBeGreaterThan(c.bounds[i - 1]!);
      expect(c.bounds.every(Number.isFinite)).toBe(true);
      expect(c.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    }
  });
});

describe('downscaling while recording', () => {
  test('a second value far from the first at the default scales keeps both (no invalid array length)', () => {
    const s = new ExpHistogramState(160);
    s.record(10, 1);
    s.record(20, 1);
    s.record(1000, 1);
    expect(s.count).toBe(3);
    expect(s.positive.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(s.positive.counts.length).toBeLessThanOrEqual(160);
  });
});

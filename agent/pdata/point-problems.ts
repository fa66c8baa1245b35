// What the OTLP spec calls an invalid metric point, as a message naming the problem: shared by the
// receiver (which refuses such points) and exporters (which drop any that reach them).
import type { ExponentialHistogramDataPoint, HistogramDataPoint, MetricData } from './model.js';
import { Temporality } from './model.js';

/** OTLP DataPointFlags.NO_RECORDED_VALUE: the point carries no value to check. */
const NO_RECORDED_VALUE = 1;

/**
 * Why a metric's aggregation temporality is invalid (sums, histograms and exponential histograms
 * must be delta or cumulative), or undefined.
 */
export function temporalityProblem(d: MetricData): string | undefined {
  if (d.type === 'gauge' || d.type === 'summary') return undefined;
  const t = d.aggregationTemporality;
  if (t === Temporality.DELTA || t === Temporality.CUMULATIVE) return undefined;
  return `aggregation_temporality must be 1 (delta) or 2 (cumulative), got ${t}`;
}

/**
 * Why an explicit-bucket histogram point is invalid, or undefined: bounds not finite or not
 * strictly increasing, `bucket_counts` not one more than the bounds (none at all only without
 * bounds), `count` not the sum of `bucket_counts`. A NoRecordedValue point is not checked.
 */
export function histogramPointProblem(p: HistogramDataPoint): string | undefined {
  if (p.flags & NO_RECORDED_VALUE) return undefined;
  const b = p.explicitBounds;
  for (let i = 0; i < b.length; i++) {
    if (!Number.isFinite(b[i])) return `explicit_bounds[${i}] must be finite, got ${b[i]}`;
    if (i > 0 && !(b[i]! > b[i - 1]!)) return `explicit_bounds must increase strictly, got ${b[i - 1]} then ${b[i]}`;
  }
  const c = p.bucketCounts;
  if (c.length === 0 && b.length === 0) return undefined;
  if (c.length !== b.length + 1) return `${c.length} bucket_counts for ${b.length} explicit_bounds (must be ${b.length + 1})`;
  let total = 0;
  for (const n of c) total += n;
  if (total !== p.count) return `count ${p.count} is not the sum of bucket_counts (${total})`;
  return undefined;
}

/** Why an exponential histogram point is invalid, or undefined: `count` not `zero_count` plus every bucket count. */
export function expHistogramPointProblem(p: ExponentialHistogramDataPoint): string | undefined {
  if (p.flags & NO_RECORDED_VALUE) return undefined;
  let total = p.zeroCount;
  for (const side of [p.positive, p.negative]) if (side) for (const n of side.bucketCounts) total += n;
  if (total !== p.count) return `count ${p.count} is not zero_count plus the bucket_counts (${total})`;
  return undefined;
}

/** Why one point of `d` is invalid, or undefined (temporality is checked once per metric, see {@link temporalityProblem}). */
export function pointProblem(d: MetricData, i: number): string | undefined {
  if (d.type === 'histogram') return histogramPointProblem(d.dataPoints[i]!);
  if (d.type === 'exponentialHistogram') return expHistogramPointProblem(d.dataPoints[i]!);
  return undefined;
}

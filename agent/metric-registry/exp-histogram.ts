// Base-2 exponential histogram state (OTLP semantics): record, merge with downscaling, and
// conversion to classic `le` buckets for the text formats.

/** Highest scale the OTel spec allows; recording starts here and downscales to fit. */
export const MAX_SCALE = 20;
/** Lowest scale the OTel spec allows. */
export const MIN_SCALE = -10;
/** Scales the Prometheus translation keeps (collector.md §5): higher ones are downscaled to `max`, lower ones dropped. */
export const PROMETHEUS_SCALES: ScaleRange = { min: -4, max: 8 };

/** Range of scales a histogram state accepts from merged points; it starts at `max`. */
export interface ScaleRange { min: number; max: number }

/** An exponential histogram point's fields as OTLP carries them. */
export interface ExpPointFields {
  scale: number; zeroCount: number; zeroThreshold: number; sum: number | undefined; count: number;
  positive: { offset: number; bucketCounts: number[] } | null; negative: { offset: number; bucketCounts: number[] } | null;
}

/** Whether a point can be merged into a state accepting `range`: integer scale within it (and ≤ 20), integer offsets. */
export function isMergeable(p: ExpPointFields, range: ScaleRange = { min: MIN_SCALE, max: MAX_SCALE }): boolean {
  return Number.isInteger(p.scale) && p.scale >= Math.max(range.min, MIN_SCALE) && p.scale <= MAX_SCALE
    && (!p.positive || Number.isInteger(p.positive.offset)) && (!p.negative || Number.isInteger(p.negative.offset));
}

/** Dense buckets for one sign: `counts[k]` is bucket index `offset + k`. */
class Buckets {
  offset = 0;
  counts: number[] = [];
  get empty(): boolean { return this.counts.length === 0; }
  get last(): number { return this.offset + this.counts.length - 1; }
  add(index: number, n: number): void {
    if (this.empty) { this.offset = index; this.counts = [n]; return; }
    if (index < this.offset) {
      this.counts = new Array<number>(this.offset - index).fill(0).concat(this.counts);
      this.offset = index;
    } else if (index > this.last) {
      for (let i = this.last; i < index; i++) this.counts.push(0);
    }
    this.counts[index - this.offset]! += n;
  }
  /** Merges adjacent buckets: index i becomes i >> by. */
  downscale(by: number): void {
    if (by <= 0 || this.empty) return;
    const old = this.counts;
    const oldOffset = this.offset;
    const oldLast = this.last; // read before the offset moves
    this.offset = oldOffset >> by;
    this.counts = new Array<number>((oldLast >> by) - this.offset + 1).fill(0);
    for (let k = 0; k < old.length; k++) this.counts[((oldOffset + k) >> by) - this.offset]! += old[k]!;
  }
}

/** Bucket index of a positive magnitude `v` at `scale`: bucket i covers (base^i, base^(i+1)]. */
export function expIndex(v: number, scale: number): number {
  return Math.ceil(Math.log2(v) * 2 ** scale) - 1;
}

/** Lower boundary base^i of bucket i at `scale`. */
export function expLowerBound(i: number, scale: number): number {
  return 2 ** (i / 2 ** scale);
}

/** An exponential histogram that keeps at most `maxSize` buckets per sign. */
export class ExpHistogramState {
  scale: number;
  zeroCount = 0;
  zeroThreshold = 0;
  sum = 0;
  count = 0;
  readonly positive = new Buckets();
  readonly negative = new Buckets();
  /**
   * @param maxSize buckets kept per sign; recording and merging downscale to stay within it
   * @param scales scales merged points may have; the state starts at (and never exceeds) `scales.max`
   */
  constructor(readonly maxSize = 160, readonly scales: ScaleRange = { min: MIN_SCALE, max: MAX_SCALE }) {
    this.scale = Math.min(scales.max, MAX_SCALE);
  }

  private fit(b: Buckets, index: number): number {
    // downscale until the bucket range including `index` fits in maxSize
    const lo = b.empty ? index : Math.min(b.offset, index);
    const hi = b.empty ? index : Math.max(b.last, index);
    let by = 0;
    while ((hi >> by) - (lo >> by) + 1 > this.maxSize) by++;
    if (by > 0) this.downscaleBy(by);
    return index >> by;
  }

  private downscaleBy(by: number): void {
    this.scale -= by;
    this.positive.downscale(by);
    this.negative.downscale(by);
  }

  /** Records `v` with `weight` (default 1). NaN and infinities are ignored. */
  record(v: number, weight = 1): void {
    if (!Number.isFinite(v)) return;
    this.sum += v * weight;
    this.count += weight;
    const mag = Math.abs(v);
    if (mag <= this.zeroThreshold) { this.zeroCount += weight; return; }
    this.addAt(v > 0 ? this.positive : this.negative, expIndex(mag, this.scale), this.scale, weight);
  }

  private addAt(b: Buckets, index: number, scale: number, n: number): void {
    const i = this.fit(b, scale > this.scale ? index >> (scale - this.scale) : index);
    b.add(i, n);
  }

  /**
   * Adds another histogram's buckets (OTLP point fields), downscaling to the smaller scale.
   * Returns false, changing nothing, for a point that is not {@link isMergeable} within `scales`.
   */
  merge(p: ExpPointFields): boolean {
    if (!isMergeable(p, this.scales)) return false;
    if (p.scale < this.scale) this.downscaleBy(this.scale - p.scale);
    this.zeroThreshold = Math.max(this.zeroThreshold, p.zeroThreshold);
    this.zeroCount += p.zeroCount;
    this.sum += p.sum ?? 0;
    this.count += p.count;
    for (const [src, dst] of [[p.positive, this.positive], [p.negative, this.negative]] as const) {
      if (!src) continue;
      for (let k = 0; k < src.bucketCounts.length; k++) {
        const n = src.bucketCounts[k]!;
        if (n) this.addAt(dst, src.offset + k, p.scale, n);
      }
    }
    return true;
  }

  /**
   * Classic buckets: strictly ascending finite `le` bounds (negatives, zero, positives) and
   * per-bucket counts, +Inf last. A bucket whose bound overflows to ±Infinity or does not exceed
   * the previous one (underflow to 0, inside the zero threshold) is folded into a neighbour that
   * still bounds its values from above, so the output is always a valid Prometheus histogram.
   *
   * Prometheus interpolates a quantile inside a bucket from the previous `le` (from 0 for the
   * first), so the lower edge of the lowest bucket of each range gets its own line, counting what
   * lies below it: the most negative bucket's (count 0), the zero bucket's `-zero_threshold`
   * (the negatives) and the lowest positive bucket's (negatives and zeros).
   */
  toClassic(): { bounds: number[]; counts: number[]; sum: number; count: number } {
    const bounds: number[] = [];
    const counts: number[] = [];
    let carry = 0;
    let inf = 0;
    const add = (le: number, n: number): void => {
      if (le === Infinity || Number.isNaN(le)) { inf += n; return; }
      if (le === -Infinity) { carry += n; return; }
      n += carry;
      carry = 0;
      if (bounds.length && le <= bounds[bounds.length - 1]!) counts[counts.length - 1]! += n;
      else { bounds.push(le); counts.push(n); }
    };
    const neg = this.negative;
    if (!neg.empty) add(-expLowerBound(neg.last + 1, this.scale), 0);
    for (let i = neg.last; i >= neg.offset && !neg.empty; i--) add(-expLowerBound(i, this.scale), neg.counts[i - neg.offset]!);
    if (this.zeroCount > 0 && this.zeroThreshold > 0) add(-this.zeroThreshold, 0);
    if (this.zeroCount > 0 || !neg.empty) add(this.zeroThreshold, this.zeroCount);
    const pos = this.positive;
    if (!pos.empty) add(expLowerBound(pos.offset, this.scale), 0);
    for (let k = 0; k < pos.counts.length; k++) add(expLowerBound(pos.offset + k + 1, this.scale), pos.counts[k]!);
    counts.push(inf + carry);
    return { bounds, counts, sum: this.sum, count: this.count };
  }
}

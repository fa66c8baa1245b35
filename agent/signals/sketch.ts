// A small log-bucketed sketch for one step of a distribution: count, sum, min, max and quantiles
// within ~1 % relative error (DDSketch-style buckets, gamma 1.02).

const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
/** Bucket of values ≤ 0 (latencies and sizes are not negative; they land here rather than being lost). */
const ZERO = -2_147_483_648;

/** Bucket index of a value. */
function indexOf(v: number): number {
  return v > 0 ? Math.ceil(Math.log(v) / LOG_GAMMA) : ZERO;
}

/** The value a bucket stands for: the middle of (gamma^(i-1), gamma^i] in relative terms. */
function valueOf(i: number): number {
  return i === ZERO ? 0 : (2 * GAMMA ** i) / (GAMMA + 1);
}

/** One step's observations. Weights may be fractional (head-sampling adjusted counts). */
export class Sketch {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly buckets = new Map<number, number>();

  add(v: number, weight: number): void {
    if (!(weight > 0) || Number.isNaN(v)) return;
    this.count += weight;
    this.sum += v * weight;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const i = indexOf(v);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + weight);
  }
}

/** Count, sum, min, max and quantiles of several sketches merged (no sketch is changed). */
export class MergedSketch {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly buckets = new Map<number, number>();

  /** Adds a step's sketch, or another merged sketch (e.g. one series' window into a group's). */
  merge(s: Pick<Sketch, 'count' | 'sum' | 'min' | 'max' | 'buckets'>): void {
    if (s.count === 0) return;
    this.count += s.count;
    this.sum += s.sum;
    if (s.min < this.min) this.min = s.min;
    if (s.max > this.max) this.max = s.max;
    for (const [i, n] of s.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
  }

  /** The q-quantile (0 ≤ q ≤ 1), clamped to the observed min and max; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = q * this.count;
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += this.buckets.get(k)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, valueOf(k)));
    }
    return this.max;
  }
}

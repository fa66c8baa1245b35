// Per-minute good/total counts of one SLO in memory: a ring of minute buckets covering the SLO
// window, summed over any trailing window that ends with the current minute.

/** Milliseconds per bucket. */
export const MINUTE_MS = 60_000;

/** Minute buckets (index = ms since the epoch / 60 000) for the last `minutes` minutes. */
export class MinuteRing {
  private readonly good: Float64Array;
  private readonly total: Float64Array;
  /** Which minute each slot holds (-1: none); minutes since the epoch fit an int32 until 6053. */
  private readonly minute: Int32Array;

  /** @param minutes how many minutes the ring covers (the SLO window). */
  constructor(readonly minutes: number) {
    this.good = new Float64Array(minutes);
    this.total = new Float64Array(minutes);
    this.minute = new Int32Array(minutes).fill(-1);
  }

  /** Adds `good` good events out of `total` to minute `m` (older than the ring: ignored). */
  add(m: number, good: number, total: number): void {
    const i = m % this.minutes;
    const held = this.minute[i]!;
    if (held !== m) {
      if (held > m) return;
      this.minute[i] = m;
      this.good[i] = 0;
      this.total[i] = 0;
    }
    this.good[i]! += good;
    this.total[i]! += total;
  }

  /**
   * Σgood and Σtotal over the `n` minutes ending with minute `now` (minutes now-n+1 … now).
   * `n` larger than the ring is clamped to it.
   */
  sum(now: number, n: number): { good: number; total: number } {
    return this.fold(now, n, (g, t, acc) => { acc.good += g; acc.total += t; });
  }

  /**
   * OpenSLO Timeslices over the same minutes: `total` = minutes with events, `good` = those whose
   * good/total ratio is at least `target`.
   */
  slices(now: number, n: number, target: number): { good: number; total: number } {
    return this.fold(now, n, (g, t, acc) => { if (t > 0) { acc.total++; if (g / t >= target) acc.good++; } });
  }

  private fold(now: number, n: number, f: (good: number, total: number, acc: { good: number; total: number }) => void): { good: number; total: number } {
    const len = Math.min(n, this.minutes);
    const acc = { good: 0, total: 0 };
    if (len * 4 < this.minutes) {
      for (let m = now - len + 1; m <= now; m++) {
        const i = m % this.minutes;
        if (this.minute[i] === m) f(this.good[i]!, this.total[i]!, acc);
      }
    } else {
      const from = now - len;
      for (let i = 0; i < this.minutes; i++) {
        const mi = this.minute[i]!;
        if (mi > from && mi <= now) f(this.good[i]!, this.total[i]!, acc);
      }
    }
    return acc;
  }
}

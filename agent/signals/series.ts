// One series of a signal: a ring of per-step values (counter increments, gauge values or sketches)
// covering the configured retention.
import { MergedSketch, Sketch } from './sketch.js';

export type SignalKind = 'counter' | 'gauge' | 'distribution';

/** Where the ring's steps come from: step length and the current step index. */
export interface StepSource {
  readonly stepMs: number;
  readonly steps: number;
  currentStep(): number;
  /** The step of a time in ms since the epoch. */
  stepOf(ms: number): number;
}

/** The steps a window covers: the `ceil(windowMs / stepMs)` most recent, the current partial step included. */
export function windowSteps(src: StepSource, windowMs: number): { from: number; to: number } {
  const to = src.currentStep();
  const n = Math.min(src.steps, Math.max(1, Math.ceil(windowMs / src.stepMs)));
  return { from: to - n + 1, to };
}

export class Series {
  /** Absolute index of the newest step written; -Infinity before the first write. */
  head = -Infinity;
  /** Whether the series is in its signal's table (a swept series re-enters on its next write). */
  live = true;
  private readonly nums: Float64Array | undefined;
  private readonly sketches: Array<Sketch | undefined> | undefined;
  /** Counters: the cumulative total since the series was created. */
  total = 0;

  constructor(
    readonly kind: SignalKind,
    readonly values: readonly string[],
    private readonly src: StepSource,
    private readonly reenter: (s: Series) => void,
  ) {
    if (kind === 'distribution') this.sketches = new Array<Sketch | undefined>(src.steps);
    else this.nums = new Float64Array(src.steps).fill(kind === 'gauge' ? Number.NaN : 0);
  }

  /** Moves the ring to `step`, clearing the steps in between; false for a step older than the ring. */
  private roll(step: number): boolean {
    if (!this.live) { this.live = true; this.reenter(this); }
    if (step <= this.head) return step > this.head - this.src.steps;
    const n = this.src.steps;
    const clear = this.head === -Infinity ? n : Math.min(n, step - this.head);
    for (let k = 0; k < clear; k++) {
      const pos = ((step - k) % n + n) % n;
      if (this.nums) this.nums[pos] = this.kind === 'gauge' ? Number.NaN : 0;
      else this.sketches![pos] = undefined;
    }
    this.head = step;
    return true;
  }

  private pos(step: number): number {
    const n = this.src.steps;
    return ((step % n) + n) % n;
  }

  /** Counter: adds `n` (≥ 0) in the current step, or in the step of `atMs` (a writer's clock reading, saves a clock call per write). */
  add(n: number, atMs?: number): void {
    if (!(n > 0)) return;
    const step = atMs === undefined ? this.src.currentStep() : this.src.stepOf(atMs);
    if (!this.roll(step)) return;
    this.nums![this.pos(step)]! += n;
    this.total += n;
  }

  /** Gauge: the value of the current step (or of `atMs`'s). */
  set(v: number, atMs?: number): void {
    const step = atMs === undefined ? this.src.currentStep() : this.src.stepOf(atMs);
    if (!this.roll(step)) return;
    this.nums![this.pos(step)] = v;
  }

  /** Distribution: one observation with its weight (adjusted count), now or at `atMs`. */
  observe(v: number, weight = 1, atMs?: number): void {
    const step = atMs === undefined ? this.src.currentStep() : this.src.stepOf(atMs);
    if (!this.roll(step)) return;
    const p = this.pos(step);
    (this.sketches![p] ??= new Sketch()).add(v, weight);
  }

  /** Whether nothing of the ring lies within retention any more. */
  stale(current: number): boolean {
    return this.head <= current - this.src.steps;
  }

  /** Calls `fn` with each step slot inside the window that the ring still holds. */
  private each(windowMs: number, fn: (pos: number) => void): void {
    const { from, to } = windowSteps(this.src, windowMs);
    const lo = Math.max(from, this.head - this.src.steps + 1);
    const hi = Math.min(to, this.head);
    for (let s = lo; s <= hi; s++) fn(this.pos(s));
  }

  /** Counter: the increase over the window. Distribution: the (weighted) number of observations. */
  increase(windowMs: number): number {
    let sum = 0;
    if (this.sketches) this.each(windowMs, (p) => { sum += this.sketches![p]?.count ?? 0; });
    else if (this.kind === 'counter') this.each(windowMs, (p) => { sum += this.nums![p]!; });
    return sum;
  }

  /** Gauge: the newest value set within the window, else undefined. */
  last(windowMs: number): number | undefined {
    if (this.kind !== 'gauge') return undefined;
    let v: number | undefined;
    this.each(windowMs, (p) => { const x = this.nums![p]!; if (!Number.isNaN(x)) v = x; });
    return v;
  }

  /** Distribution: merges the window's sketches into `into`. */
  mergeInto(into: MergedSketch, windowMs: number): void {
    if (this.sketches) this.each(windowMs, (p) => { const s = this.sketches![p]; if (s) into.merge(s); });
  }
}

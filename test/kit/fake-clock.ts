// A fake clock for unit tests: time stands still until the test advances it; due timers then run in order.
import type { Clock, Timer } from '../../agent/clock.js';

interface Pending { at: number; seq: number; every?: number; fn: () => void; live: boolean }

/** Lets promise callbacks and I/O callbacks queued so far run (no wall-clock wait). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Pending[] = [];

  /** @param start ms since the epoch the clock shows first (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.add(fn, ms);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, Math.max(1, ms));
  }

  /** Timers still pending. */
  get pending(): number {
    return this.timers.filter((p) => p.live).length;
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the way at its own time, in
   * order, and letting the promise chains they start settle before the next one runs.
   */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.due(target);
      if (!next) break;
      this.t = next.at;
      if (next.every !== undefined) next.at += next.every;
      else next.live = false;
      next.fn();
      await flushMicrotasks();
      await flushMicrotasks();
    }
    this.t = target;
    await flushMicrotasks();
  }

  /** Advances in `step` increments until `cond()` holds or `maxMs` of fake time passed; returns whether it held. */
  async advanceUntil(cond: () => boolean, step: number, maxMs: number): Promise<boolean> {
    for (let spent = 0; !cond(); spent += step) {
      if (spent >= maxMs) return false;
      await this.advance(step);
    }
    return true;
  }

  private add(fn: () => void, ms: number, every?: number): Timer {
    const p: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, every, fn, live: true };
    this.timers.push(p);
    const timer: Timer = { cancel: () => { p.live = false; }, unref: () => timer };
    return timer;
  }

  private due(target: number): Pending | undefined {
    this.timers = this.timers.filter((p) => p.live);
    let best: Pending | undefined;
    for (const p of this.timers) {
      if (p.at <= target && (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq))) best = p;
    }
    return best;
  }
}

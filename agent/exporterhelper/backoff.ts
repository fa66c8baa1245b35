// Exponential backoff with jitter, the schedule of the Collector's retry_on_failure.
import type { RetryConfig } from './config.js';

/**
 * One retry schedule. `next()` gives the wait before the next attempt in ms, or undefined
 * once `max_elapsed_time` would be exceeded. Waits grow by `multiplier` up to `max_interval`;
 * each is drawn uniformly from interval × [1 − randomization_factor, 1 + randomization_factor].
 */
export class ExponentialBackoff {
  private interval: number;
  private readonly startedAt: number;

  constructor(
    private readonly cfg: Pick<RetryConfig, 'initial_interval' | 'max_interval' | 'max_elapsed_time' | 'multiplier' | 'randomization_factor'>,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.interval = cfg.initial_interval;
    this.startedAt = now();
  }

  /** Milliseconds since the schedule began. */
  elapsedMs(): number { return this.now() - this.startedAt; }

  /**
   * The next wait in ms, at least `minDelayMs` (a server's Retry-After / RetryInfo);
   * undefined when waiting would pass `max_elapsed_time` (0 = never gives up).
   */
  next(minDelayMs = 0): number | undefined {
    const f = this.cfg.randomization_factor;
    const jittered = this.interval * (1 - f + 2 * f * this.random());
    this.interval = Math.min(this.interval * this.cfg.multiplier, this.cfg.max_interval);
    const wait = Math.max(Math.round(jittered), Math.round(minDelayMs));
    const limit = this.cfg.max_elapsed_time;
    if (limit > 0 && this.elapsedMs() + wait > limit) return undefined;
    return wait;
  }
}

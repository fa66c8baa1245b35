// Failed-authentication limit per client IP: after `limit` failures within `windowMs` the client
// gets 429 until the oldest failure leaves the window. Bounded memory (oldest clients evicted).
import type { Clock } from '../clock.js';

/** Clients tracked at most; the least recently failing ones are forgotten first. */
const MAX_CLIENTS = 10_000;

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock, private readonly limit: number, private readonly windowMs: number) {}

  /** Seconds until `ip` may try again, or 0 when it may try now. */
  blockedFor(ip: string): number {
    const times = this.recent(ip);
    if (times.length < this.limit) return 0;
    return Math.max(1, Math.ceil((times[0]! + this.windowMs - this.clock.now()) / 1000));
  }

  /** Records one failed attempt by `ip`. */
  fail(ip: string): void {
    const times = this.recent(ip);
    times.push(this.clock.now());
    this.failures.delete(ip);
    this.failures.set(ip, times.slice(-this.limit));
    if (this.failures.size > MAX_CLIENTS) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(ip: string): number[] {
    const cutoff = this.clock.now() - this.windowMs;
    const times = (this.failures.get(ip) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.failures.delete(ip);
    return times;
  }
}

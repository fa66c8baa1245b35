// Rate limit for repeated warnings: at most one per key per interval, counting the ones held back.

/** Decides which warnings to log: the first per key per `intervalMs`, with a count of those suppressed. */
export class WarnLimiter {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  /**
   * @param intervalMs minimum time between two warnings for one key (default one minute)
   * @param now clock in ms (read at each call)
   * @param maxKeys keys remembered; beyond it, keys idle for a whole interval are forgotten
   */
  constructor(private readonly intervalMs = 60_000, private readonly now: () => number = Date.now, private readonly maxKeys = 10_000) {}

  /**
   * Whether to log a warning for `key` now: `undefined` means suppress it; otherwise the number
   * of warnings for this key suppressed since the last one logged (0 for the first).
   */
  take(key: string): number | undefined {
    const now = this.now();
    const e = this.last.get(key);
    if (e && now - e.at < this.intervalMs) { e.suppressed++; return undefined; }
    if (!e && this.last.size >= this.maxKeys) this.prune(now);
    this.last.set(key, { at: now, suppressed: 0 });
    return e?.suppressed ?? 0;
  }

  private prune(now: number): void {
    for (const [k, e] of this.last) if (now - e.at >= this.intervalMs) this.last.delete(k);
    if (this.last.size >= this.maxKeys) this.last.clear();
  }
}

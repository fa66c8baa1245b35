// One heap compaction after start-up, only if the agent is idle: start-up (loading the modules,
// validating the config) leaves garbage and a grown young generation behind, which V8's memory
// reducer gives back only some seconds later, or not at all when allocation is steady but slight.
// An idle sidecar should be small soon after start; a busy one is left alone (a full collection
// under load would only add a pause).
import { setFlagsFromString } from 'node:v8';
import type { Clock, Timer } from './clock.js';
import { v8Gc, type Gc } from './v8-gc.js';

export type { Gc } from './v8-gc.js';

/**
 * How long after start-up the agent looks whether it is idle: more than V8's 5 s allocation
 * throughput window. V8 gives back the young generation that start-up grew (up to 2 × 16 MiB with
 * --max-semi-space-size=16) only in a collection whose last ~5 s allocated little; a full collection
 * 2 s after start-up, whose window still held start-up's allocations, left it grown (idle RSS
 * ~12 MiB higher).
 */
export const IDLE_COMPACTION_DELAY_MS = 6_000;
/** CPU the process may have used in that time and still count as idle (timers, a scrape), in µs: 5 % of a core. */
export const IDLE_CPU_US = 300_000;

/**
 * V8's collection (see v8-gc.ts), a full one run under --optimize-for-size, set for its duration
 * only: it then also gives back at once the heap pages (~2–3 MiB) that V8 otherwise releases only
 * when its memory reducer runs, some 8 s later. Does nothing where V8's collection is not to be had.
 */
function compactingGc(): Gc {
  const gc = v8Gc();
  if (!gc) return () => {};
  return (options) => {
    if (options) return gc(options);
    setFlagsFromString('--optimize-for-size');
    try {
      gc();
    } finally {
      setFlagsFromString('--no-optimize-for-size');
    }
  };
}

/**
 * Call at the end of start-up. Runs a scavenge at once: it closes start-up's allocations into their
 * own sample, and takes the young generation growth that start-up's survivors are due, which the
 * full collection would otherwise take instead of shrinking it. Then, `IDLE_COMPACTION_DELAY_MS`
 * after now, if the process used less than `IDLE_CPU_US` of CPU meanwhile, runs one full
 * collection. `gc` defaults to V8's own. Returns whether the full collection ran, through `done`.
 */
export function scheduleIdleCompaction(clock: Clock, cpuUs: () => number = () => { const u = process.cpuUsage(); return u.user + u.system; },
  gc: Gc = compactingGc(), done?: (ran: boolean) => void): Timer {
  gc({ type: 'minor' });
  const cpu0 = cpuUs();
  return clock.setTimeout(() => {
    const idle = cpuUs() - cpu0 < IDLE_CPU_US;
    if (idle) gc();
    done?.(idle);
  }, IDLE_COMPACTION_DELAY_MS).unref();
}

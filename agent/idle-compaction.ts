// One heap compaction after start-up, only if the agent is idle: start-up (loading ~850 modules,
// validating the config) leaves garbage and a grown young generation behind, which V8's memory
// reducer gives back only some seconds later, or not at all when allocation is steady but slight.
// An idle sidecar should be small at once; a busy one is left alone (a full collection under load
// would only add a pause).
//
// A plain full collection keeps the heap's committed pages (V8 pools them, and keeps the grown
// young generation): only a memory-reducing collection gives them back, which V8's memory reducer
// runs some 8 s after a full collection — and only if it sees a low allocation rate, which start-up
// spoils, so it waits 8 s more. While V8 is told to favour memory (--optimize-for-size), the reducer
// goes ahead at its first look: idle RSS falls ~16 MiB about 8 s after the compaction instead of
// ~16 s. The setting is withdrawn after FAVOUR_MEMORY_MS, so load that comes later runs with the
// normal heap sizing.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock, Timer } from './clock.js';

/** How long after start-up the agent looks whether it is idle. */
export const IDLE_COMPACTION_DELAY_MS = 2_000;
/** CPU the process may have used in that time and still count as idle (timers, a scrape), in µs. */
export const IDLE_CPU_US = 100_000;
/** How long after the compaction V8 is told to favour memory (its memory reducer looks ~8 s after it). */
export const FAVOUR_MEMORY_MS = 12_000;

/** Tells V8 to favour memory over speed in its heap sizing (or to stop). */
function v8FavourMemory(on: boolean): void {
  setFlagsFromString(on ? '--optimize-for-size' : '--no-optimize-for-size');
}

/** The V8 full collection, obtained once without starting node with --expose-gc. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  return gc;
}

/**
 * Schedules the check: `IDLE_COMPACTION_DELAY_MS` after now, if the process used less than
 * `IDLE_CPU_US` of CPU meanwhile, tells V8 to favour memory for `FAVOUR_MEMORY_MS` and runs one
 * full collection (`gc`, default V8's own, obtained only then). Returns whether it ran, through `done`.
 */
export function scheduleIdleCompaction(clock: Clock, cpuUs: () => number = () => { const u = process.cpuUsage(); return u.user + u.system; },
  gc?: () => void, done?: (ran: boolean) => void, favourMemory: (on: boolean) => void = v8FavourMemory): Timer {
  const cpu0 = cpuUs();
  return clock.setTimeout(() => {
    const idle = cpuUs() - cpu0 < IDLE_CPU_US;
    if (idle) {
      favourMemory(true);
      (gc ?? fullGc())();
      clock.setTimeout(() => favourMemory(false), FAVOUR_MEMORY_MS).unref();
    }
    done?.(idle);
  }, IDLE_COMPACTION_DELAY_MS).unref();
}

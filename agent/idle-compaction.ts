// One heap compaction after start-up, only if the agent is idle: start-up (loading ~850 modules,
// validating the config) leaves garbage and a grown young generation behind, which V8's memory
// reducer gives back only some seconds later, or not at all when allocation is steady but slight.
// An idle sidecar should be small at once; a busy one is left alone (a full collection under load
// would only add a pause).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock, Timer } from './clock.js';

/** How long after start-up the agent looks whether it is idle. */
export const IDLE_COMPACTION_DELAY_MS = 2_000;
/** CPU the process may have used in that time and still count as idle (timers, a scrape), in µs. */
export const IDLE_CPU_US = 100_000;

/** The V8 full collection, obtained once without starting node with --expose-gc. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  return gc;
}

/**
 * Schedules the check: `IDLE_COMPACTION_DELAY_MS` after now, if the process used less than
 * `IDLE_CPU_US` of CPU meanwhile, runs one full collection (`gc`, default V8's own, obtained only
 * then). Returns whether it ran, through `done`.
 */
export function scheduleIdleCompaction(clock: Clock, cpuUs: () => number = () => { const u = process.cpuUsage(); return u.user + u.system; },
  gc?: () => void, done?: (ran: boolean) => void): Timer {
  const cpu0 = cpuUs();
  return clock.setTimeout(() => {
    const idle = cpuUs() - cpu0 < IDLE_CPU_US;
    if (idle) (gc ?? fullGc())();
    done?.(idle);
  }, IDLE_COMPACTION_DELAY_MS).unref();
}

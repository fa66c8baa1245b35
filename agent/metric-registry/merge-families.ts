// Merges every source's families into one scrape; families whose names collide are dropped and reported.
import type { Family, FamilyType } from './types.js';
import { WarnLimiter } from './warn-limit.js';

/**
 * Reports a dropped family: its name and type, the type of the earlier family it collided with
 * and that family's name (the same name, or e.g. `lat` for a gauge `lat_count`).
 */
export type ConflictHandler = (name: string, kept: FamilyType, dropped: FamilyType, keptName: string) => void;

/**
 * Every name a family takes in either format: its OpenMetrics family name (a counter's without
 * `_total`) and its sample names (`_total`; `_bucket`, `_sum`, `_count`).
 */
export function claimedNames(f: Family): string[] {
  switch (f.type) {
    case 'counter': {
      const fam = f.name.endsWith('_total') ? f.name.slice(0, -6) : f.name;
      return [fam, fam + '_total'];
    }
    case 'histogram': return [f.name, f.name + '_bucket', f.name + '_sum', f.name + '_count'];
    case 'summary': return [f.name, f.name + '_sum', f.name + '_count'];
    default: return [f.name];
  }
}

/**
 * Families in first-seen order; families with the same name and type are merged into one, a later
 * family claiming a name an earlier family of another name or type holds is dropped (as the
 * Collector drops conflicting metrics) and passed to `onConflict`.
 */
export function mergeFamilies(families: Iterable<Family>, onConflict?: ConflictHandler): Family[] {
  const groups = new Map<string, Family[]>();
  const owner = new Map<string, Family>();
  for (const f of families) {
    const key = f.type + ' ' + f.name;
    const group = groups.get(key);
    if (group) { group.push(f); continue; }
    const names = claimedNames(f);
    let clash: Family | undefined;
    for (const n of names) if ((clash = owner.get(n))) break;
    if (clash) { onConflict?.(f.name, clash.type, f.type, clash.name); continue; }
    for (const n of names) owner.set(n, f);
    groups.set(key, [f]);
  }
  const out: Family[] = [];
  for (const all of groups.values()) {
    if (all.length === 1) { out.push(all[0]!); continue; }
    out.push({ ...all[0]!, series: (function* () { for (const g of all) yield* g.series as Iterable<never>; })() } as Family);
  }
  return out;
}

/**
 * A {@link ConflictHandler} that logs a warning per dropped family name at most once per
 * `intervalMs` (default one minute), with the number of repeats it held back.
 */
export function conflictLogger(logger: { warn(obj: object, msg: string): void }, intervalMs = 60_000, now: () => number = Date.now): ConflictHandler {
  const limit = new WarnLimiter(intervalMs, now);
  return (name, kept, dropped, keptName) => {
    const suppressed = limit.take(name);
    if (suppressed === undefined) return;
    logger.warn({ metric: name, type: dropped, conflictsWith: keptName, conflictingType: kept, suppressed },
      'metric family dropped from /metrics: its name collides with another family');
  };
}

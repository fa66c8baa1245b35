// Merges every source's families into one scrape; families whose names collide are dropped and reported.
import type { Family, FamilyType } from './types.js';
import { WarnLimiter } from './warn-limit.js';

/**
 * Why a family (or a `target_info` series) was left out of a scrape: `agent_name`, an
 * application's family claims a name one of the agent's own families holds (or repeats the exact
 * labels of the agent's `target_info`); `name_conflict`, it claims a name an earlier family of
 * another name or type holds.
 */
export type ConflictReason = 'agent_name' | 'name_conflict';

/**
 * Reports a dropped family: its name and type, the type of the family it collided with and that
 * family's name (the same name, or e.g. `lat` for a gauge `lat_count`), and why.
 */
export type ConflictHandler = (name: string, kept: FamilyType, dropped: FamilyType, keptName: string, reason: ConflictReason) => void;

/** Called for each family (or part of `target_info`) left out: the family, the one kept, why, how many series. */
export type DropHandler = (dropped: Family, kept: Family, reason: ConflictReason, series: number) => void;

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

function countSeries(f: Family): number {
  let n = 0;
  for (const _ of f.series as Iterable<unknown>) n++;
  return n;
}

interface Group { fams: Family[]; agent: boolean; labels?: Set<string> }

/**
 * Families in first-seen order, the agent's own (`agent`) before the applications' (`app`).
 * Families with the same name and type and the same origin are merged into one. A family
 * claiming a name an earlier family of another name or type holds is dropped (as the Collector
 * drops conflicting metrics). An application's family never joins or displaces an agent's: one
 * claiming any name an agent family holds is dropped whatever its type, except `target_info`,
 * where only application series with exactly the labels of an agent series are dropped.
 * Every drop is passed to `onDrop`.
 */
export function mergeFamilies(agent: Iterable<Family>, app: Iterable<Family> = [], onDrop?: DropHandler): Family[] {
  const groups = new Map<string, Group>();
  const owner = new Map<string, Group>();
  const drop = (f: Family, kept: Family, reason: ConflictReason, series = countSeries(f)): void => { onDrop?.(f, kept, reason, series); };
  const take = (f: Family, isAgent: boolean): void => {
    const key = f.type + ' ' + f.name;
    const group = groups.get(key);
    if (group && group.agent === isAgent) { group.fams.push(f); return; }
    if (group && f.name === 'target_info' && f.type === 'gauge') {
      const rest = withoutAgentSeries(f, group, drop); // replaces group.fams: evaluate before reading it
      group.fams.push(rest);
      return;
    }
    if (group) return drop(f, group.fams[0]!, 'agent_name');
    let clash: Group | undefined;
    const names = claimedNames(f);
    for (const n of names) if ((clash = owner.get(n))) break;
    if (clash) return drop(f, clash.fams[0]!, clash.agent && !isAgent ? 'agent_name' : 'name_conflict');
    const g: Group = { fams: [f], agent: isAgent };
    for (const n of names) owner.set(n, g);
    groups.set(key, g);
  };
  for (const f of agent) take(f, true);
  for (const f of app) take(f, false);
  const out: Family[] = [];
  for (const { fams } of groups.values()) {
    if (fams.length === 1) { out.push(fams[0]!); continue; }
    out.push({ ...fams[0]!, series: (function* () { for (const g of fams) yield* g.series as Iterable<never>; })() } as Family);
  }
  return out;
}

/** An application's `target_info` without the series whose labels an agent `target_info` series has. */
function withoutAgentSeries(f: Family, group: Group, drop: (f: Family, kept: Family, reason: ConflictReason, series: number) => void): Family {
  if (!group.labels) {
    // every agent family came first: the group's series are all the agent's; read them once
    const series = group.fams.flatMap((g) => [...(g.series as Iterable<{ labels: string }>)]);
    group.fams = [{ ...group.fams[0]!, series } as Family];
    group.labels = new Set(series.map((s) => s.labels));
  }
  const kept: unknown[] = [];
  let n = 0;
  for (const s of f.series as Iterable<{ labels: string }>) {
    if (group.labels.has(s.labels)) n++;
    else kept.push(s);
  }
  if (n > 0) drop(f, group.fams[0]!, 'agent_name', n);
  return { ...f, series: kept } as Family;
}

/**
 * A {@link ConflictHandler} that logs a warning per dropped family name at most once per
 * `intervalMs` (default one minute), with the number of repeats it held back.
 */
export function conflictLogger(logger: { warn(obj: object, msg: string): void }, intervalMs = 60_000, now: () => number = Date.now): ConflictHandler {
  const limit = new WarnLimiter(intervalMs, now);
  return (name, kept, dropped, keptName, reason) => {
    const suppressed = limit.take(name);
    if (suppressed === undefined) return;
    logger.warn({ metric: name, type: dropped, conflictsWith: keptName, conflictingType: kept, reason, suppressed },
      reason === 'agent_name'
        ? (name === 'target_info' ? 'application target_info series dropped from /metrics: it repeats the labels of the agent\'s own target_info'
          : 'application metric family dropped from /metrics: its name collides with one of the agent\'s own families')
        : 'metric family dropped from /metrics: its name collides with another family');
  };
}

// Error budget over time, from the slo processor's minute buckets in SQLite (table slo_minutes,
// owner `slo`): at each sample minute, 1 − burn rate over the SLO window ending there.
import type { Statement } from 'better-sqlite3';
import type { Store } from '../store/store.js';

const MINUTE_MS = 60_000;

/** What the history needs of an SLO definition (processors.slo objectives, parsed). */
export interface HistoryDef {
  objective: number;
  /** Rolling window (ms); for a calendar SLO the month so far. */
  window: number;
  calendar: boolean;
  budgeting: 'occurrences' | 'timeslices';
  time_slice_target: number;
}

export interface BudgetPoint { at: number; errorBudgetRemaining: number }

/** Reads minute rows of one SLO; undefined statement while the table does not exist yet. */
export class SloHistory {
  private load: Statement | undefined;

  constructor(private readonly store: Store) {}

  private statement(): Statement | undefined {
    if (this.load) return this.load;
    const exists = this.store.handle.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'slo_minutes'").get();
    if (!exists) return undefined;
    this.load = this.store.handle.prepare('SELECT minute, good, total FROM slo_minutes WHERE slo = ? AND minute > ? AND minute <= ? ORDER BY minute').raw(true);
    return this.load;
  }

  /** `points` samples evenly spaced over `rangeMs` ending at `nowMs` (oldest first). */
  budget(slo: string, def: HistoryDef, nowMs: number, rangeMs: number, points: number): BudgetPoint[] {
    const stmt = this.statement();
    const now = Math.floor(nowMs / MINUTE_MS);
    const stepMin = Math.max(1, Math.round(rangeMs / MINUTE_MS / points));
    const samples: number[] = [];
    for (let m = now; m > now - rangeMs / MINUTE_MS && samples.length < points; m -= stepMin) samples.unshift(m);
    const windowMin = Math.ceil(def.window / MINUTE_MS);
    const from = samples[0]! - windowMin;
    const rows = (stmt?.all(slo, from, now) ?? []) as Array<[number, number, number]>;
    // prefix sums of (good, total) per row, as the budgeting counts them
    const minutes = rows.map((r) => r[0]);
    const pg = [0]; const pt = [0];
    for (const [, g, t] of rows) {
      const slice = def.budgeting === 'timeslices';
      pg.push(pg[pg.length - 1]! + (slice ? (t > 0 && g / t >= def.time_slice_target ? 1 : 0) : g));
      pt.push(pt[pt.length - 1]! + (slice ? (t > 0 ? 1 : 0) : t));
    }
    const budget = 1 - def.objective;
    return samples.map((m) => {
      const lo = def.calendar ? monthStartMinute(m) - 1 : m - windowMin;
      const a = upperBound(minutes, lo);
      const b = upperBound(minutes, m);
      const good = pg[b]! - pg[a]!;
      const total = pt[b]! - pt[a]!;
      const burn = total > 0 ? (total - good) / total / budget : 0;
      return { at: m * MINUTE_MS, errorBudgetRemaining: 1 - burn };
    });
  }
}

/** Index of the first element greater than `x` in an ascending array. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0; let hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid]! <= x) lo = mid + 1; else hi = mid; }
  return lo;
}

function monthStartMinute(minute: number): number {
  const d = new Date(minute * MINUTE_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / MINUTE_MS;
}

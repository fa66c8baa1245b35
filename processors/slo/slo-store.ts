// SLO minute buckets in SQLite: one row per SLO per minute (good, total), written in one
// transaction per flush, trimmed to window + 3 days, read back into minute rings at start.
import type { Statement } from 'better-sqlite3';
import type { Store } from '../../agent/store/store.js';
import { MINUTE_MS, type MinuteRing } from './minutes.js';

/** Kept beyond each SLO's window, so a longer window after a config change starts with history. */
export const RETENTION_EXTRA_MS = 3 * 86_400_000;

const MIGRATIONS = [
  (db: Store['handle']) => db.exec(`CREATE TABLE slo_minutes (
    slo TEXT NOT NULL, minute INTEGER NOT NULL, good REAL NOT NULL, total REAL NOT NULL,
    PRIMARY KEY (slo, minute)) WITHOUT ROWID`),
];

/** Pending deltas: slo → minute → [good, total]. */
export type Pending = Map<string, Map<number, [number, number]>>;

/** The SLO tables of the agent's store. */
export class SloStore {
  private readonly upsert: Statement;
  private readonly trim: Statement;
  private readonly load: Statement;

  constructor(private readonly store: Store) {
    store.migrate('slo', MIGRATIONS);
    const db = store.handle;
    this.upsert = db.prepare(`INSERT INTO slo_minutes (slo, minute, good, total) VALUES (?, ?, ?, ?)
      ON CONFLICT (slo, minute) DO UPDATE SET good = good + excluded.good, total = total + excluded.total`);
    this.trim = db.prepare('DELETE FROM slo_minutes WHERE slo = ? AND minute <= ?');
    this.load = db.prepare('SELECT minute, good, total FROM slo_minutes WHERE slo = ? AND minute > ? AND minute <= ?').raw(true);
  }

  /** Writes the pending deltas and trims rows older than each SLO's retention, in one transaction. */
  flush(pending: Pending, retentionMs: ReadonlyMap<string, number>, nowMs: number): void {
    const now = Math.floor(nowMs / MINUTE_MS);
    this.store.handle.transaction(() => {
      for (const [slo, minutes] of pending) {
        for (const [m, [good, total]] of minutes) this.upsert.run(slo, m, good, total);
      }
      for (const [slo, ms] of retentionMs) this.trim.run(slo, now - Math.ceil(ms / MINUTE_MS));
    })();
  }

  /** Adds the stored minutes of `slo` within the ring's span ending at `nowMs` into the ring; returns rows read. */
  restore(slo: string, ring: MinuteRing, nowMs: number): number {
    const now = Math.floor(nowMs / MINUTE_MS);
    let n = 0;
    // all() is somewhat faster than iterate() for 43,200 rows a SLO
    const rows = this.load.all(slo, now - ring.minutes, now) as Array<[number, number, number]>;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      ring.add(row[0], row[1], row[2]);
      n++;
    }
    return n;
  }
}

// Cost rollups: weighted USD and span counts per hour and per UTC day, by service, kind, model
// and each attribution key, summed in memory and written to SQLite in one transaction per flush.
import type Database from 'better-sqlite3';
import type { Store } from '../../agent/store/store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One rollup cell before it is written. */
interface Cell {
  hour: number;
  service: string;
  kind: string;
  model: string;
  attrKey: string;
  attrValue: string;
  usd: number;
  spans: number;
  unpriced: number;
}

/** A stored rollup row. */
export interface RollupRow {
  period: 'hour' | 'day';
  start_ms: number;
  service_name: string;
  kind: string;
  model: string;
  attr_key: string;
  attr_value: string;
  usd: number;
  spans: number;
  unpriced_spans: number;
}

/** The rollup table (owner `cost`). attr_key '' is the row without attribution. */
export const COST_MIGRATIONS = [
  (db: Database.Database) => db.exec(`CREATE TABLE cost_rollups (
    period TEXT NOT NULL, start_ms INTEGER NOT NULL, service_name TEXT NOT NULL, kind TEXT NOT NULL, model TEXT NOT NULL,
    attr_key TEXT NOT NULL, attr_value TEXT NOT NULL, usd REAL NOT NULL, spans REAL NOT NULL, unpriced_spans REAL NOT NULL,
    PRIMARY KEY (period, start_ms, service_name, kind, model, attr_key, attr_value)) WITHOUT ROWID`),
];

/** In-memory sums and their flush into the store. */
export class Rollups {
  private cells = new Map<string, Cell>();
  private upsert: Database.Statement | undefined;
  private prune: Database.Statement | undefined;
  private write: ((cells: Cell[], cutoff: number) => void) | undefined;

  constructor(private readonly retentionMs: number) {}

  /** Creates the table (once) and prepares the statements. */
  open(store: Store): void {
    store.migrate('cost', COST_MIGRATIONS);
    const db = store.handle;
    this.upsert = db.prepare(`INSERT INTO cost_rollups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (period, start_ms, service_name, kind, model, attr_key, attr_value)
      DO UPDATE SET usd = usd + excluded.usd, spans = spans + excluded.spans, unpriced_spans = unpriced_spans + excluded.unpriced_spans`);
    this.prune = db.prepare('DELETE FROM cost_rollups WHERE start_ms < ?');
    this.write = db.transaction((cells: Cell[], cutoff: number) => {
      for (const c of cells) {
        const day = Math.floor(c.hour / DAY_MS) * DAY_MS;
        this.upsert!.run('hour', c.hour, c.service, c.kind, c.model, c.attrKey, c.attrValue, c.usd, c.spans, c.unpriced);
        this.upsert!.run('day', day, c.service, c.kind, c.model, c.attrKey, c.attrValue, c.usd, c.spans, c.unpriced);
      }
      this.prune!.run(cutoff);
    });
  }

  /** Adds to a cell of the hour containing `atMs`. */
  add(atMs: number, service: string, kind: string, model: string, attrKey: string, attrValue: string, usd: number, spans: number, unpriced: number): void {
    const hour = Math.floor(atMs / HOUR_MS) * HOUR_MS;
    const key = `${hour}\u0000${service}\u0000${kind}\u0000${model}\u0000${attrKey}\u0000${attrValue}`;
    const c = this.cells.get(key);
    if (c) { c.usd += usd; c.spans += spans; c.unpriced += unpriced; return; }
    this.cells.set(key, { hour, service, kind, model, attrKey, attrValue, usd, spans, unpriced });
  }

  /** Cells not yet written. */
  get pending(): number { return this.cells.size; }

  /**
   * Writes every pending cell (hour and day rows) and prunes rows past retention, in one
   * transaction. On failure the cells stay pending for the next flush and the error is thrown.
   */
  flush(nowMs: number): number {
    if (!this.write) return 0;
    const cells = [...this.cells.values()];
    // a day row starting before the cutoff would be pruned while still being written to
    const cutoff = Math.floor((nowMs - this.retentionMs) / DAY_MS) * DAY_MS;
    this.cells = new Map();
    try {
      this.write(cells, cutoff);
    } catch (e) {
      for (const c of cells) this.add(c.hour, c.service, c.kind, c.model, c.attrKey, c.attrValue, c.usd, c.spans, c.unpriced);
      throw e;
    }
    return cells.length;
  }

  /** Stored USD since `fromMs` (day rows) for the given labels; `attr` selects one attribution key's rows. */
  static spentSince(db: Database.Database, fromMs: number, match: { service?: string; kind?: string; model?: string; attr?: [string, string] }): number {
    const where = ["period = 'day'", 'start_ms >= ?'];
    const args: unknown[] = [fromMs];
    if (match.service !== undefined) { where.push('service_name = ?'); args.push(match.service); }
    if (match.kind !== undefined) { where.push('kind = ?'); args.push(match.kind); }
    if (match.model !== undefined) { where.push('model = ?'); args.push(match.model); }
    where.push('attr_key = ?', 'attr_value = ?');
    args.push(match.attr?.[0] ?? '', match.attr?.[1] ?? '');
    const row = db.prepare(`SELECT coalesce(sum(usd), 0) AS usd FROM cost_rollups WHERE ${where.join(' AND ')}`).get(...args) as { usd: number };
    return row.usd;
  }
}

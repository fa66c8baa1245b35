// The persistent sending queue in the agent's SQLite store: survives restart and kill -9.
import type Database from 'better-sqlite3';
import type { Signal } from '../pdata/model.js';
import { Store, type Migration } from '../store/store.js';
import type { ExportRequest } from './request.js';
import { SendingQueue, type QueueLimits, type Release, type Slot } from './queue.js';

/** Migrations of the `export_queue` owner: one row per encoded request. */
export const exportQueueMigrations: Migration[] = [
  (db) => {
    db.exec(`CREATE TABLE export_queue (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      exporter TEXT NOT NULL,
      signal TEXT NOT NULL,
      items INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      body BLOB NOT NULL,
      enqueued_at INTEGER NOT NULL
    )`);
    db.exec('CREATE INDEX export_queue_by_exporter ON export_queue (exporter, id)');
  },
];

interface PendingInsert { req: ExportRequest; resolve: (s: Slot) => void; reject: (e: unknown) => void }

/**
 * Holds encoded requests as BLOB rows keyed by exporter id. An offer resolves only after its
 * row is committed; offers and deletes arriving in the same tick share one transaction.
 * Delivered or dropped rows are deleted; at shutdown the rest stays for the next start.
 */
export class SqliteQueue extends SendingQueue {
  readonly durable = true;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly selectBody: Database.Statement;
  private inserts: PendingInsert[] = [];
  private deletes: number[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  /** Row ids this instance holds (inserted or recovered), so a later recover() skips them. */
  private readonly own = new Set<number>();

  constructor(store: Store, private readonly exporterId: string, limits: QueueLimits, who: string) {
    super(limits, who);
    store.migrate('export_queue', exportQueueMigrations);
    this.db = store.handle;
    this.insert = this.db.prepare('INSERT INTO export_queue (exporter, signal, items, bytes, body, enqueued_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.remove = this.db.prepare('DELETE FROM export_queue WHERE id = ?');
    this.selectBody = this.db.prepare('SELECT body FROM export_queue WHERE id = ?');
  }

  /**
   * Queues what an earlier instance (a previous run, or the one a config reload replaced) left on
   * disk for this exporter, oldest first; rows this instance already holds are skipped.
   */
  recover(): { requests: number; items: number } {
    const rows = this.db.prepare('SELECT id, signal, items, bytes FROM export_queue WHERE exporter = ? ORDER BY id')
      .all(this.exporterId) as Array<{ id: number; signal: Signal; items: number; bytes: number }>;
    let items = 0;
    let requests = 0;
    for (const r of rows) {
      if (this.own.has(r.id)) continue;
      this.own.add(r.id);
      this.push({ key: r.id, signal: r.signal, items: r.items, bytes: r.bytes }, true);
      items += r.items;
      requests++;
    }
    return { requests, items };
  }

  /** Requests and items this exporter has on disk (committed rows); what the next start resumes after a flush. */
  onDisk(): { requests: number; items: number } {
    const row = this.db.prepare('SELECT count(*) AS requests, coalesce(sum(items), 0) AS items FROM export_queue WHERE exporter = ?')
      .get(this.exporterId) as { requests: number; items: number };
    return { requests: row.requests, items: row.items };
  }

  /** Commits pending inserts and deletes now (also called at shutdown before the store closes). */
  flush(): void {
    if (this.scheduled) { clearImmediate(this.scheduled); this.scheduled = undefined; }
    const inserts = this.inserts;
    const deletes = this.deletes;
    if (inserts.length === 0 && deletes.length === 0) return;
    this.inserts = [];
    this.deletes = [];
    const now = Date.now();
    // deletes commit on their own: when the database is full, sent batches still free their space
    if (deletes.length > 0) {
      try {
        this.db.transaction(() => { for (const id of deletes) this.remove.run(id); })();
        for (const id of deletes) this.own.delete(id); // gone from disk: no recover() can see it now
      } catch {
        this.deletes.push(...deletes); // retried with the next flush
      }
    }
    if (inserts.length === 0) return;
    let slots: Slot[];
    try {
      slots = this.db.transaction(() => inserts.map(({ req }) => {
        const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
        const info = this.insert.run(this.exporterId, req.signal, req.items, body.byteLength, body, now);
        return { key: Number(info.lastInsertRowid), signal: req.signal, items: req.items, bytes: body.byteLength };
      }))();
    } catch (err) {
      const refusal = Store.refusal(err, `exporter ${this.exporterId}: the sending queue`);
      for (const p of inserts) p.reject(refusal);
      return;
    }
    for (const slot of slots) this.own.add(slot.key);
    inserts.forEach((p, i) => p.resolve(slots[i]!));
  }

  protected persist(req: ExportRequest): Promise<Slot> {
    return new Promise((resolve, reject) => {
      this.inserts.push({ req, resolve, reject });
      this.schedule();
    });
  }

  protected load(slot: Slot): Slot {
    if (slot.body) return slot;
    const row = this.selectBody.get(slot.key) as { body: Buffer } | undefined;
    slot.body = row ? new Uint8Array(row.body.buffer, row.body.byteOffset, row.body.byteLength) : new Uint8Array(0);
    return slot;
  }

  protected forget(slot: Slot, how: Release): void {
    slot.body = undefined;
    if (how === 'remove') { this.deletes.push(slot.key); this.schedule(); }
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => { this.scheduled = undefined; this.flush(); });
  }
}

// The audit log: one SQLite row per change made through the admin API — who (the token's name),
// what, the object before and after (secrets redacted by the caller), when. Prepared statements only.
import type { Statement } from 'better-sqlite3';
import type { Store } from '../store/store.js';

/** One audit entry as the API returns it. */
export interface AuditEntry {
  id: number;
  /** Epoch ms. */
  at: number;
  /** The token's name (`admin` for `admin.token`). */
  who: string;
  /** What was done, e.g. `alert-rule.update`. */
  action: string;
  /** The id of what changed (rule id, channel id, …), '' when none. */
  target: string;
  before: unknown;
  after: unknown;
}

const MIGRATIONS = [
  (db: Store['handle']) => db.exec(`CREATE TABLE admin_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, before_json TEXT, after_json TEXT)`),
];

type Row = { id: number; at: number; who: string; action: string; target: string; before_json: string | null; after_json: string | null };

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export class AuditLog {
  private readonly insert: Statement;
  private readonly page: Statement;
  private readonly prune: Statement;
  private inserts = 0;

  /** @param retentionMs entries older than this (by their `at`) are deleted, checked every 1000 entries and at start */
  constructor(store: Store, private readonly retentionMs = 90 * 86_400_000) {
    store.migrate('admin', MIGRATIONS);
    this.insert = store.handle.prepare('INSERT INTO admin_audit (at, who, action, target, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)');
    this.page = store.handle.prepare('SELECT * FROM admin_audit WHERE id < ? ORDER BY id DESC LIMIT ?');
    this.prune = store.handle.prepare('DELETE FROM admin_audit WHERE at < ?');
  }

  /** Deletes entries older than the retention before `nowMs`; returns how many. */
  trim(nowMs: number): number {
    return this.prune.run(nowMs - this.retentionMs).changes;
  }

  /** Records one change; `before`/`after` must already be redacted. */
  record(e: Omit<AuditEntry, 'id'>): number {
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    if (++this.inserts % 1000 === 0) this.trim(e.at);
    return Number(this.insert.run(e.at, e.who, e.action, e.target, json(e.before), json(e.after)).lastInsertRowid);
  }

  /** Newest first, at most `limit`, older than the entry `beforeId` when given. */
  list(limit: number, beforeId = Number.MAX_SAFE_INTEGER): AuditEntry[] {
    return (this.page.all(beforeId, limit) as Row[]).map((r) => ({
      id: r.id, at: r.at, who: r.who, action: r.action, target: r.target, before: parse(r.before_json), after: parse(r.after_json),
    }));
  }
}

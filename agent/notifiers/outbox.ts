// The notification outbox in SQLite: one row per notification per notifier, written before enqueue
// returns; the delivery loop reads the due rows and records every outcome.
import type Database from 'better-sqlite3';
import type { Notification } from '../alerting/model.js';
import type { Migration, Store } from '../store/store.js';

/** Where a row is in its life: `sending` is an attempt in flight (retried after a restart). */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'rejected' | 'dead';

/** One queued notification. */
export interface OutboxRow {
  /** Insertion order: per notifier and group, rows are delivered in this order. */
  seq: number;
  id: string;
  notifier: string;
  groupKey: string;
  action: Notification['action'];
  state: OutboxState;
  /** Attempts started so far (an attempt cut short by a restart counts). */
  attempts: number;
  createdAt: number;
  /** When the next attempt is due (ms). */
  nextAt: number;
  updatedAt: number;
  /** The last failure or the peer's answer (secrets scrubbed). */
  lastError: string | null;
  notification: Notification;
}

const MIGRATIONS: Migration[] = [
  (db) => {
    db.exec(`CREATE TABLE notifier_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      notifier TEXT NOT NULL,
      group_key TEXT NOT NULL,
      action TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      next_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_error TEXT,
      payload TEXT NOT NULL)`);
    db.exec(`CREATE INDEX notifier_outbox_open ON notifier_outbox (notifier, group_key, seq) WHERE state IN ('pending', 'sending')`);
    db.exec('CREATE INDEX notifier_outbox_done ON notifier_outbox (updated_at) WHERE state IN (\'sent\', \'rejected\', \'dead\')');
    db.exec(`CREATE TABLE notifier_channels (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      config TEXT NOT NULL,
      updated_at INTEGER NOT NULL)`);
  },
];

interface RawRow {
  seq: number; id: string; notifier: string; group_key: string; action: string; state: string; attempts: number;
  created_at: number; next_at: number; updated_at: number; last_error: string | null; payload: string;
}

function rowOf(r: RawRow): OutboxRow {
  return {
    seq: r.seq, id: r.id, notifier: r.notifier, groupKey: r.group_key, action: r.action as OutboxRow['action'],
    state: r.state as OutboxState, attempts: r.attempts, createdAt: r.created_at, nextAt: r.next_at,
    updatedAt: r.updated_at, lastError: r.last_error, notification: JSON.parse(r.payload) as Notification,
  };
}

/** The outbox and the API channels' table, through prepared statements. */
export class Outbox {
  private readonly db: Database.Database;
  private readonly s;

  constructor(store: Store) {
    store.migrate('notifiers', MIGRATIONS);
    this.db = store.handle;
    const db = this.db;
    this.s = {
      insert: db.prepare(`INSERT INTO notifier_outbox (id, notifier, group_key, action, state, attempts, created_at, next_at, updated_at, payload)
        VALUES (@id, @notifier, @groupKey, @action, 'pending', 0, @createdAt, @createdAt, @createdAt, @payload)`),
      // the earliest due row among the heads of each group (a group's rows go out in order)
      head: db.prepare(`SELECT * FROM notifier_outbox o WHERE o.notifier = ? AND o.state IN ('pending', 'sending')
        AND NOT EXISTS (SELECT 1 FROM notifier_outbox p WHERE p.notifier = o.notifier AND p.group_key = o.group_key
          AND p.state IN ('pending', 'sending') AND p.seq < o.seq)
        ORDER BY o.next_at, o.seq LIMIT 1`),
      get: db.prepare('SELECT * FROM notifier_outbox WHERE id = ?'),
      sending: db.prepare(`UPDATE notifier_outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`),
      retry: db.prepare(`UPDATE notifier_outbox SET state = 'pending', next_at = ?, updated_at = ?, last_error = ? WHERE id = ?`),
      finish: db.prepare('UPDATE notifier_outbox SET state = ?, updated_at = ?, last_error = ? WHERE id = ?'),
      resume: db.prepare(`UPDATE notifier_outbox SET state = 'pending', next_at = ?, updated_at = ? WHERE state = 'sending'`),
      killOpen: db.prepare(`UPDATE notifier_outbox SET state = 'dead', updated_at = ?, last_error = ? WHERE notifier = ? AND state IN ('pending', 'sending')`),
      stats: db.prepare('SELECT notifier, state, count(*) AS n FROM notifier_outbox GROUP BY notifier, state'),
      list: db.prepare('SELECT * FROM notifier_outbox WHERE (@notifier IS NULL OR notifier = @notifier) AND (@state IS NULL OR state = @state) ORDER BY seq DESC LIMIT @limit'),
      prune: db.prepare(`DELETE FROM notifier_outbox WHERE state IN ('sent', 'rejected', 'dead') AND updated_at < ?`),
      channels: db.prepare('SELECT id, type, config FROM notifier_channels ORDER BY id'),
      putChannel: db.prepare(`INSERT INTO notifier_channels (id, type, config, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET type = excluded.type, config = excluded.config, updated_at = excluded.updated_at`),
      deleteChannel: db.prepare('DELETE FROM notifier_channels WHERE id = ?'),
    };
  }

  /** Writes one notification as a pending row, due at once; committed when this returns. */
  insert(n: Notification): void {
    this.db.transaction(() => {
      this.s.insert.run({ id: n.id, notifier: n.notifier, groupKey: n.groupKey, action: n.action, createdAt: n.createdAt, payload: JSON.stringify(n) });
    })();
  }

  /** The row of `notifier` to send next: the earliest due head of a group; undefined when none is open. */
  head(notifier: string): OutboxRow | undefined {
    const r = this.s.head.get(notifier) as RawRow | undefined;
    return r && rowOf(r);
  }

  get(id: string): OutboxRow | undefined {
    const r = this.s.get.get(id) as RawRow | undefined;
    return r && rowOf(r);
  }

  /** Marks an attempt as started (counted) before the notifier is called. */
  markSending(id: string, now: number): void { this.s.sending.run(now, id); }

  /** Back to pending, due at `nextAt`, after a failed attempt. */
  markRetry(id: string, nextAt: number, now: number, detail: string): void { this.s.retry.run(nextAt, now, detail, id); }

  /** A final state: sent, rejected (the peer's answer) or dead (gave up). */
  finish(id: string, state: 'sent' | 'rejected' | 'dead', now: number, detail: string | null): void { this.s.finish.run(state, now, detail, id); }

  /** At start: attempts a previous run left in flight become due at once. Returns how many. */
  resumeSending(now: number): number { return this.s.resume.run(now, now).changes; }

  /** Sends every open row of `notifier` to the dead letters (its channel was deleted). Returns how many. */
  killOpen(notifier: string, now: number, reason: string): number { return this.s.killOpen.run(now, reason, notifier).changes; }

  /** Row counts by notifier and state. */
  counts(): Array<{ notifier: string; state: OutboxState; n: number }> {
    return this.s.stats.all() as Array<{ notifier: string; state: OutboxState; n: number }>;
  }

  /** The newest rows, optionally of one notifier and state (dead letters: `state: 'dead'`). */
  list(filter: { notifier?: string; state?: OutboxState; limit?: number } = {}): OutboxRow[] {
    const rows = this.s.list.all({ notifier: filter.notifier ?? null, state: filter.state ?? null, limit: filter.limit ?? 100 }) as RawRow[];
    return rows.map(rowOf);
  }

  /** Deletes finished rows last changed before `before` (ms). Returns how many. */
  prune(before: number): number { return this.s.prune.run(before).changes; }

  /** API channels as stored: id, type and the config as given. */
  storedChannels(): Array<{ id: string; type: string; config: unknown }> {
    return (this.s.channels.all() as Array<{ id: string; type: string; config: string }>).map((r) => ({ id: r.id, type: r.type, config: JSON.parse(r.config) as unknown }));
  }

  putChannel(id: string, type: string, config: unknown, now: number): void { this.s.putChannel.run(id, type, JSON.stringify(config), now); }

  deleteChannel(id: string): boolean { return this.s.deleteChannel.run(id).changes > 0; }
}

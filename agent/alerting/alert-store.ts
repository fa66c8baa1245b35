// The alerting tables in the agent's SQLite store (migrations owner `alerting`): alerts (one row
// per incident), API rules, silences, and what each notification group last sent.
import type Database from 'better-sqlite3';
import type { Store } from '../store/store.js';
import type { RuleRecord, Silence } from './api.js';
import type { AlertRecord, AlertState } from './model.js';

/** An alert with its row id and when its condition last held (for keep_firing_for). */
export interface StoredAlert { incident: number; record: AlertRecord; lastTrueAt: number }

/** What a notification group persists so a restart neither re-pages nor loses a resolve. */
export interface GroupState {
  key: string;
  /** Index path of the route in the tree (e.g. `0.1`); `root` for the default route. */
  route: string;
  labels: Record<string, string>;
  /** Alert id → status last sent to the group's notifiers. */
  sent: Record<string, 'firing' | 'resolved'>;
  /** Notifiers that got the group's trigger (they get its resolve and acknowledgements). */
  notified: string[];
  createdAt: number;
  /** When the group last sent (0: never). */
  lastSentAt: number;
  /** When its next flush is due. */
  nextAt: number;
  /** Escalation: when level 0 went out (0: not started) and the highest level sent (-1: none). */
  escStartedAt: number;
  escLevel: number;
}

const MIGRATIONS = [
  (db: Database.Database) => db.exec(`
    CREATE TABLE alerting_alerts (
      incident INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
      severity TEXT NOT NULL, labels TEXT NOT NULL, annotations TEXT NOT NULL, value REAL, source TEXT NOT NULL,
      active_at INTEGER NOT NULL, fired_at INTEGER, resolved_at INTEGER, ack TEXT, trace_ids TEXT NOT NULL,
      last_true_at INTEGER NOT NULL);
    CREATE INDEX alerting_alerts_id ON alerting_alerts (id);
    CREATE INDEX alerting_alerts_state ON alerting_alerts (state);
    CREATE TABLE alerting_rules (id TEXT PRIMARY KEY, rule TEXT NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE alerting_silences (id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
      created_by TEXT NOT NULL, comment TEXT NOT NULL);
    CREATE TABLE alerting_groups (key TEXT PRIMARY KEY, state TEXT NOT NULL);`),
];

interface AlertRow {
  incident: number; id: string; name: string; state: AlertState; severity: AlertRecord['severity']; labels: string; annotations: string;
  value: number | null; source: string; active_at: number; fired_at: number | null; resolved_at: number | null; ack: string | null;
  trace_ids: string; last_true_at: number;
}

function fromRow(r: AlertRow): StoredAlert {
  return {
    incident: r.incident, lastTrueAt: r.last_true_at,
    record: {
      id: r.id, name: r.name, state: r.state, severity: r.severity, labels: JSON.parse(r.labels), annotations: JSON.parse(r.annotations),
      value: r.value, source: r.source, activeAt: r.active_at, firedAt: r.fired_at, resolvedAt: r.resolved_at,
      acknowledged: r.ack ? JSON.parse(r.ack) : null, traceIds: JSON.parse(r.trace_ids),
    },
  };
}

/** Prepared statements over the alerting tables. */
export class AlertStore {
  private readonly db: Database.Database;
  private readonly st;

  constructor(store: Store) {
    store.migrate('alerting', MIGRATIONS);
    this.db = store.handle;
    const db = this.db;
    this.st = {
      insert: db.prepare(`INSERT INTO alerting_alerts (id, name, state, severity, labels, annotations, value, source, active_at, fired_at, resolved_at, ack, trace_ids, last_true_at)
        VALUES (@id, @name, @state, @severity, @labels, @annotations, @value, @source, @active_at, @fired_at, @resolved_at, @ack, @trace_ids, @last_true_at)`),
      update: db.prepare(`UPDATE alerting_alerts SET state=@state, severity=@severity, labels=@labels, annotations=@annotations, value=@value, fired_at=@fired_at,
        resolved_at=@resolved_at, ack=@ack, trace_ids=@trace_ids, last_true_at=@last_true_at WHERE incident=@incident`),
      remove: db.prepare('DELETE FROM alerting_alerts WHERE incident = ?'),
      active: db.prepare("SELECT * FROM alerting_alerts WHERE state IN ('pending', 'firing', 'acknowledged') ORDER BY incident"),
      all: db.prepare('SELECT * FROM alerting_alerts ORDER BY incident DESC'),
      byState: db.prepare('SELECT * FROM alerting_alerts WHERE state = ? ORDER BY incident DESC'),
      latest: db.prepare('SELECT * FROM alerting_alerts WHERE id = ? ORDER BY incident DESC LIMIT 1'),
      prune: db.prepare("DELETE FROM alerting_alerts WHERE state = 'resolved' AND resolved_at < ?"),
      rules: db.prepare('SELECT id, rule FROM alerting_rules ORDER BY rowid'),
      putRule: db.prepare('INSERT INTO alerting_rules (id, rule, created_by, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET rule=excluded.rule, created_by=excluded.created_by, updated_at=excluded.updated_at'),
      deleteRule: db.prepare('DELETE FROM alerting_rules WHERE id = ?'),
      silences: db.prepare('SELECT * FROM alerting_silences ORDER BY starts_at'),
      putSilence: db.prepare('INSERT INTO alerting_silences (id, matchers, starts_at, ends_at, created_by, comment) VALUES (?, ?, ?, ?, ?, ?)'),
      deleteSilence: db.prepare('DELETE FROM alerting_silences WHERE id = ?'),
      pruneSilences: db.prepare('DELETE FROM alerting_silences WHERE ends_at < ?'),
      groups: db.prepare('SELECT state FROM alerting_groups'),
      putGroup: db.prepare('INSERT INTO alerting_groups (key, state) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET state=excluded.state'),
      deleteGroup: db.prepare('DELETE FROM alerting_groups WHERE key = ?'),
    };
  }

  /** Runs `fn` in one transaction. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Inserts a new incident; returns its row id. */
  insert(record: AlertRecord, lastTrueAt: number): number {
    return Number(this.st.insert.run(this.params(record, lastTrueAt)).lastInsertRowid);
  }

  update(a: StoredAlert): void {
    this.st.update.run({ ...this.params(a.record, a.lastTrueAt), incident: a.incident });
  }

  remove(incident: number): void {
    this.st.remove.run(incident);
  }

  private params(r: AlertRecord, lastTrueAt: number) {
    return {
      id: r.id, name: r.name, state: r.state, severity: r.severity, labels: JSON.stringify(r.labels), annotations: JSON.stringify(r.annotations),
      value: r.value, source: r.source, active_at: r.activeAt, fired_at: r.firedAt, resolved_at: r.resolvedAt,
      ack: r.acknowledged ? JSON.stringify(r.acknowledged) : null, trace_ids: JSON.stringify(r.traceIds), last_true_at: lastTrueAt,
    };
  }

  /** Pending, firing and acknowledged alerts, oldest first. */
  active(): StoredAlert[] {
    return (this.st.active.all() as AlertRow[]).map(fromRow);
  }

  /** Every incident kept (newest first), or those in one state. */
  list(state?: AlertState): AlertRecord[] {
    const rows = (state ? this.st.byState.all(state) : this.st.all.all()) as AlertRow[];
    return rows.map((r) => fromRow(r).record);
  }

  /** The newest incident of an alert id. */
  latest(id: string): StoredAlert | undefined {
    const r = this.st.latest.get(id) as AlertRow | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** Deletes resolved incidents and expired silences older than `before`. */
  prune(before: number): void {
    this.st.prune.run(before);
    this.st.pruneSilences.run(before);
  }

  rules(): Array<{ id: string; rule: Record<string, unknown> }> {
    return (this.st.rules.all() as Array<{ id: string; rule: string }>).map((r) => ({ id: r.id, rule: JSON.parse(r.rule) }));
  }

  putRule(r: RuleRecord, by: string, at: number): void {
    this.st.putRule.run(r.id, JSON.stringify(r.rule), by, at);
  }

  deleteRule(id: string): boolean {
    return this.st.deleteRule.run(id).changes > 0;
  }

  silences(): Silence[] {
    return (this.st.silences.all() as Array<{ id: string; matchers: string; starts_at: number; ends_at: number; created_by: string; comment: string }>)
      .map((r) => ({ id: r.id, matchers: JSON.parse(r.matchers), startsAt: r.starts_at, endsAt: r.ends_at, createdBy: r.created_by, comment: r.comment }));
  }

  putSilence(s: Silence): void {
    this.st.putSilence.run(s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.createdBy, s.comment);
  }

  deleteSilence(id: string): boolean {
    return this.st.deleteSilence.run(id).changes > 0;
  }

  groups(): GroupState[] {
    return (this.st.groups.all() as Array<{ state: string }>).map((r) => JSON.parse(r.state) as GroupState);
  }

  putGroup(g: GroupState): void {
    this.st.putGroup.run(g.key, JSON.stringify(g));
  }

  deleteGroup(key: string): void {
    this.st.deleteGroup.run(key);
  }
}

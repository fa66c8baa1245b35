// The agent's one SQLite database (WAL). Each owner (export queue, SLO store, …) migrates its own tables,
// versioned in `schema_versions`; PRAGMA user_version holds the total of applied migrations.
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { errors } from '../errors.js';
import { prepareStoragePath } from '../../config/storage-path.js';

/** A migration brings the schema from version (index) to version (index + 1). */
export type Migration = (db: Database.Database) => void;

export class Store {
  private readonly claims = new Map<string, Array<{ onGranted: () => void }>>();
  private db: Database.Database | undefined;

  /**
   * @param path file path, or ':memory:'
   * @param maxSizeBytes the most the database file may grow to (SQLite's max_page_count); 0 for no bound
   */
  constructor(readonly path: string, readonly maxSizeBytes = 0) {}

  /**
   * Opens the database (lazily, on first use) and applies every registered migration set.
   * Each owner (`queue`, `slo`, …) keeps its own version in the `schema_versions` table.
   */
  get handle(): Database.Database {
    if (!this.db) this.db = this.open();
    return this.db;
  }

  /** Checks the path, creates missing directories one level at a time, opens; every failure names the path. */
  private open(): Database.Database {
    try {
      prepareStoragePath(this.path);
    } catch (err) {
      throw errors.badConfig(`storage.path: ${(err as Error).message}`);
    }
    // Loaded on first use: an agent whose config needs no storage never pays for the native module.
    const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
    let db: Database.Database | undefined;
    try {
      db = new Sqlite(this.path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      if (this.maxSizeBytes > 0) {
        const pageSize = db.pragma('page_size', { simple: true }) as number;
        db.pragma(`max_page_count = ${Math.max(16, Math.floor(this.maxSizeBytes / pageSize))}`);
      }
      db.exec('CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)');
      return db;
    } catch (err) {
      db?.close();
      throw errors.badConfig(`storage.path: cannot use '${this.path}': ${(err as Error).message}`);
    }
  }

  /** Applies an owner's migrations that have not run yet, each in its own transaction. */
  migrate(owner: string, migrations: Migration[]): void {
    const db = this.handle;
    const row = db.prepare('SELECT version FROM schema_versions WHERE owner = ?').get(owner) as { version: number } | undefined;
    let version = row?.version ?? 0;
    if (version > migrations.length) {
      throw errors.badConfig(`storage.path: '${this.path}' was written by a newer Outrider (${owner} schema version ${version}; this version knows ${migrations.length}); run the newer version, or move the file away to start empty`);
    }
    const set = db.prepare('INSERT INTO schema_versions (owner, version) VALUES (?, ?) ON CONFLICT(owner) DO UPDATE SET version = excluded.version');
    for (; version < migrations.length; version++) {
      db.transaction(() => {
        migrations[version]!(db);
        set.run(owner, version + 1);
      })();
    }
    // PRAGMA user_version carries the total of applied migrations, so tools can tell the schema revision
    const total = (db.prepare('SELECT coalesce(sum(version), 0) AS n FROM schema_versions').get() as { n: number }).n;
    db.pragma(`user_version = ${Math.trunc(total)}`);
  }

  /**
   * Exclusive use of a named part of the database (an exporter's queue rows) among the instances
   * of this process — a config reload runs the replacing exporter beside the one it replaces.
   * `onGranted` runs at once when nobody holds the name, else when the holder releases it.
   * Returns the release function (for a claim still waiting, it withdraws it).
   */
  claim(name: string, onGranted: () => void): () => void {
    const line = this.claims.get(name) ?? [];
    this.claims.set(name, line);
    const entry = { onGranted };
    line.push(entry);
    if (line.length === 1) onGranted();
    return () => {
      const i = line.indexOf(entry);
      if (i < 0) return;
      line.splice(i, 1);
      if (i === 0 && line.length > 0) line[0]!.onGranted();
      if (line.length === 0) this.claims.delete(name);
    };
  }

  /**
   * A write the database could not take — full (`storage.max_size_mib` or the volume), read-only,
   * or an I/O error — as a retryable refusal naming the cause; other errors unchanged. The data was
   * not acknowledged, so the sender keeps it and retries.
   */
  static refusal(err: unknown, what: string): unknown {
    const code = (err as { code?: unknown })?.code;
    if (typeof code !== 'string' || !/^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/.test(code)) return err;
    const why = code.startsWith('SQLITE_FULL') ? 'the database is full (storage.max_size_mib or the volume)' : code.startsWith('SQLITE_READONLY') ? 'the database is read-only' : 'the database cannot be written';
    return errors.dataRefused(`${what}: ${why} (${code}); not accepted, retry later`, 5);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

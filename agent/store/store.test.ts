// Opening the store: missing directories are created one level at a time; every failure names the path.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/kit/config.js';
import { Store } from './store.js';

describe('Store', () => {
  it('creates the missing directories and opens the database', () => {
    const dir = tempDir();
    const store = new Store(join(dir, 'a', 'b', 'q.db'));
    try {
      expect(store.handle.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
      expect(existsSync(join(dir, 'a', 'b', 'q.db'))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('names the path and the reason when the path is a directory', () => {
    const dir = tempDir();
    expect(() => new Store(dir).handle).toThrow(`storage.path: cannot use '${dir}': it is a directory, not a database file`);
  });

  it('names the path and the reason when a parent is a regular file', () => {
    const dir = tempDir();
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(() => new Store(join(file, 'q.db')).handle).toThrow(`storage.path: cannot use '${join(file, 'q.db')}': '${file}' is a file, not a directory`);
  });

  it('names the path and the reason under a directory it cannot write', () => {
    expect(() => new Store('/sys/outrider/q.db').handle).toThrow("storage.path: cannot use '/sys/outrider/q.db': '/sys' is on a sysfs pseudo-filesystem, not a disk");
  });

  it('refuses a file written by a newer version (downgrade) with a message naming the owner and versions', () => {
    const path = join(tempDir(), 'q.db');
    const newer = new Store(path);
    newer.migrate('queue', [(db) => db.exec('CREATE TABLE a (x)'), (db) => db.exec('CREATE TABLE b (x)')]);
    newer.close();
    const older = new Store(path);
    try {
      expect(() => older.migrate('queue', [(db) => db.exec('CREATE TABLE a (x)')])).toThrow(`storage.path: '${path}' was written by a newer Outrider (queue schema version 2; this version knows 1)`);
    } finally {
      older.close();
    }
  });

  it('max_size: a write past the bound fails with SQLITE_FULL, which Store.refusal turns into a retryable refusal', () => {
    const store = new Store(join(tempDir(), 'q.db'), 256 * 1024);
    try {
      store.handle.exec('CREATE TABLE t (b BLOB)');
      const insert = store.handle.prepare('INSERT INTO t VALUES (?)');
      let failure: unknown;
      try { for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(8192)); } catch (e) { failure = e; }
      expect((failure as { code: string }).code).toBe('SQLITE_FULL');
      const refusal = Store.refusal(failure, 'exporter otlp: the sending queue') as { code: string; retryable: boolean; message: string };
      expect(refusal).toMatchObject({ code: 'DATA_REFUSED', retryable: true });
      expect(refusal.message).toBe('exporter otlp: the sending queue: the database is full (storage.max_size_mib or the volume) (SQLITE_FULL); not accepted, retry later');
    } finally {
      store.close();
    }
  });
});

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
});

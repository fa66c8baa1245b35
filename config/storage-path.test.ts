// storage.path is checked before anything opens it: named path, named reason, nothing created, never a hang.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factoryMap } from '../agent/factories.js';
import { formatProblem } from '../agent/component.js';
import { tempDir } from '../test/kit/config.js';
import { loadConfig } from './loader.js';
import { storagePathProblem } from './storage-path.js';

describe('storagePathProblem', () => {
  it('refuses a path under /proc (a pseudo-filesystem, where recursive mkdir loops forever)', () => {
    expect(storagePathProblem('/proc/outrider/q.db')).toBe("cannot use '/proc/outrider/q.db': '/proc' is on a proc pseudo-filesystem, not a disk");
  });

  it('refuses a path under /sys as not writable', () => {
    expect(storagePathProblem('/sys/outrider/q.db')).toBe("cannot use '/sys/outrider/q.db': '/sys' is on a sysfs pseudo-filesystem, not a disk");
  });

  it('refuses a path that is a directory', () => {
    const dir = tempDir();
    expect(storagePathProblem(dir)).toBe(`cannot use '${dir}': it is a directory, not a database file`);
  });

  it('refuses a path under a regular file', () => {
    const dir = tempDir();
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(storagePathProblem(join(file, 'sub', 'q.db'))).toBe(`cannot use '${join(file, 'sub', 'q.db')}': '${file}' is a file, not a directory`);
  });

  it('accepts a new file in missing directories under a writable one, and creates nothing', () => {
    const dir = tempDir();
    expect(storagePathProblem(join(dir, 'a', 'b', 'q.db'))).toBeUndefined();
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('accepts an existing database file and :memory:', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'q.db'), '');
    expect(storagePathProblem(join(dir, 'data', 'q.db'))).toBeUndefined();
    expect(storagePathProblem(':memory:')).toBeUndefined();
  });
});

describe('validate checks storage.path when a component stores in sqlite', () => {
  const config = (path: string, storage: 'sqlite' | 'memory') => `
storage: { path: "${path}" }
receivers: { otlp: }
exporters: { otlp: { endpoint: "x:4317", tls: { insecure: true }, sending_queue: { storage: ${storage} } } }
service: { pipelines: { traces: { receivers: [otlp], exporters: [otlp] } } }
`;
  const lines = (yaml: string) => loadConfig({ yaml }, factoryMap(), {}).problems.map(formatProblem);

  it('names the key, the path and the reason', () => {
    expect(lines(config('/proc/outrider/q.db', 'sqlite'))).toEqual([
      "storage.path: cannot use '/proc/outrider/q.db': '/proc' is on a proc pseudo-filesystem, not a disk",
    ]);
  });

  it('leaves a path alone that nothing opens', () => {
    expect(lines(config('/proc/outrider/q.db', 'memory'))).toEqual([]);
  });

  it('creates nothing while validating', () => {
    const dir = tempDir();
    expect(lines(config(join(dir, 'new', 'q.db'), 'sqlite'))).toEqual([]);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });
});

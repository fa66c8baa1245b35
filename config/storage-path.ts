// storage.path checks: can a SQLite database (and its WAL files) live there? Checked without creating
// anything (validate) and before the store creates the missing directories one level at a time (run).
// No recursive mkdir: Node 20's loops forever on /proc.
import { accessSync, constants, mkdirSync, statSync, statfsSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** statfs magic numbers of the kernel's pseudo-filesystems, where no database can live. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'], [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'], [0x74726163, 'tracefs'], [0x73636673, 'securityfs'], [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'], [0x62656570, 'configfs'],
]);

type Probe = { stats: Stats } | { missing: true } | { error: string };

function probe(path: string): Probe {
  try {
    return { stats: statSync(path) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a level above is a file; the walk up finds and names it
    return code === 'ENOENT' || code === 'ENOTDIR' ? { missing: true } : { error: code ?? (err as Error).message };
  }
}

function pseudoFilesystem(dir: string): string | undefined {
  try {
    return PSEUDO_FILESYSTEMS.get(Number(statfsSync(dir).type));
  } catch {
    return undefined;
  }
}

function notWritable(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

/** Why a directory cannot hold the database and its WAL files, or undefined. */
function directoryProblem(dir: string): string | undefined {
  const fs = pseudoFilesystem(dir);
  if (fs) return `'${dir}' is on a ${fs} pseudo-filesystem, not a disk`;
  const code = notWritable(dir);
  return code ? `'${dir}' is not writable (${code})` : undefined;
}

/** The existing database file, or else the nearest existing ancestor directory and the levels missing below it. */
function locate(abs: string): { file: Stats } | { dir: string; missing: string[] } | { problem: string } {
  const own = probe(abs);
  if ('error' in own) return { problem: `cannot check it (${own.error})` };
  if ('stats' in own) {
    if (own.stats.isDirectory()) return { problem: 'it is a directory, not a database file' };
    if (!own.stats.isFile()) return { problem: 'it is not a regular file' };
    return { file: own.stats };
  }
  const missing: string[] = [];
  let dir = dirname(abs);
  for (;;) {
    const p = probe(dir);
    if ('error' in p) return { problem: `cannot check '${dir}' (${p.error})` };
    if ('stats' in p) {
      if (!p.stats.isDirectory()) return { problem: `'${dir}' is a file, not a directory` };
      return { dir, missing: missing.reverse() };
    }
    missing.push(dir);
    const up = dirname(dir);
    if (up === dir) return { problem: 'no parent directory exists' };
    dir = up;
  }
}

/**
 * Why `path` cannot hold the SQLite database, as "cannot use '<path>': <reason>", or undefined.
 * Creates nothing. `:memory:` is always fine.
 */
export function storagePathProblem(path: string): string | undefined {
  if (path === ':memory:') return undefined;
  const abs = resolve(path);
  const found = locate(abs);
  let reason: string | undefined;
  if ('problem' in found) reason = found.problem;
  else if ('dir' in found) reason = directoryProblem(found.dir);
  else {
    const code = notWritable(abs);
    // the WAL and shared-memory files are created beside the database
    reason = code ? `it is not writable (${code})` : directoryProblem(dirname(abs));
  }
  return reason ? `cannot use '${path}': ${reason}` : undefined;
}

/**
 * Checks `path` and creates its missing parent directories one level at a time.
 * Throws an Error whose message is "cannot use '<path>': <reason>".
 */
export function prepareStoragePath(path: string): void {
  const problem = storagePathProblem(path);
  if (problem) throw new Error(problem);
  if (path === ':memory:') return;
  const found = locate(resolve(path));
  if (!('missing' in found)) return;
  for (const dir of found.missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue; // made meanwhile
      throw new Error(`cannot use '${path}': cannot create directory '${dir}' (${code ?? (err as Error).message})`);
    }
  }
}

// V8's garbage collection, for the few places that ask for one (the idle compaction after start-up,
// the memory_limiter above its soft limit), obtained once for the whole process.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's collection: a full one, or a scavenge with `{ type: 'minor' }`. */
export type Gc = (options?: { type: 'minor' }) => void;

let obtained: Gc | null | undefined;

/**
 * V8's `gc()`: the global one under `--expose-gc`, else one read in a new context with the flag on
 * for that moment only; undefined where neither works. The context is made once: every caller
 * shares the function (a context costs memory for as long as the process lives).
 */
export function v8Gc(): Gc | undefined {
  if (obtained !== undefined) return obtained ?? undefined;
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') return (obtained = global as Gc);
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    obtained = typeof fn === 'function' ? (fn as Gc) : null;
  } catch {
    obtained = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return obtained ?? undefined;
}

// A way to ask V8 for a full garbage collection, so resident memory falls soon after a load spike
// instead of whenever V8 next feels like collecting.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's `gc()`: the global one under `--expose-gc`, else one obtained by turning the flag on and
 * reading `gc` in a new context; undefined where neither works.
 */
export function gcFunction(): (() => void) | undefined {
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return global;
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
}

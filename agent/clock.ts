// One clock for the agent: time and timers come from here, so tests can replace them with a fake clock.

/** A scheduled callback; `cancel()` is idempotent. */
export interface Timer {
  cancel(): void;
  /** Lets the process exit while this timer is pending (a no-op on a fake clock). Returns itself. */
  unref(): Timer;
}

/** Time and timers. Every component gets one in `CreateSettings.clock`. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Calls `fn` every `ms` milliseconds until cancelled. */
  setInterval(fn: () => void, ms: number): Timer;
}

function wrap(handle: NodeJS.Timeout, clear: (h: NodeJS.Timeout) => void): Timer {
  const t: Timer = {
    cancel: () => clear(handle),
    unref: () => { handle.unref(); return t; },
  };
  return t;
}

/** The real clock: `Date.now` and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => wrap(setTimeout(fn, ms), clearTimeout),
  setInterval: (fn, ms) => wrap(setInterval(fn, ms), clearInterval),
};

/**
 * Waits `ms` on `clock`. Resolves `true` when `signal` aborted the wait early, `false` when the
 * time ran out.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => { timer.cancel(); resolve(true); };
    const timer = clock.setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(false); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `work` at most `ms` on `clock`: `{ done: true, value }` when it settled in time (a
 * rejection is rethrown), `{ done: false }` when the time ran out first (`work` keeps running).
 */
export async function withTimeout<T>(clock: Clock, work: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> {
  let timer: Timer | undefined;
  const late = new Promise<{ done: false }>((resolve) => { timer = clock.setTimeout(() => resolve({ done: false }), ms); });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), late]);
  } finally {
    timer!.cancel();
  }
}

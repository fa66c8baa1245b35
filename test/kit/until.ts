// One poller for tests against real servers and processes (timer logic uses the fake clock instead).

/** Polls `cond` every `everyMs` of real time until it holds; throws naming `what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition', everyMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// The retry loop on the fake clock: exact backoff times, permanent errors final, exhaustion, shutdown interrupts.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { ExportSendError } from './classify.js';
import type { RetryConfig } from './config.js';
import { sendWithRetry, type RetryControl } from './retry.js';
import type { SendResult } from './transport.js';

const fast: RetryConfig = { enabled: true, initial_interval: 10, max_interval: 40, max_elapsed_time: 2_000, multiplier: 2, randomization_factor: 0 };
/** The Collector's retry_on_failure defaults, without jitter so the schedule is exact. */
const collectorDefaults: RetryConfig = { enabled: true, initial_interval: 5_000, max_interval: 30_000, max_elapsed_time: 300_000, multiplier: 1.5, randomization_factor: 0 };
const ok: SendResult = { rejected: 0, errorMessage: '' };
const unavailable = () => new ExportSendError('grpc UNAVAILABLE', 'down', true);
const ctl = (): RetryControl & { stop(): void; kill(): void } => {
  const s = new AbortController();
  const a = new AbortController();
  return { stopping: s.signal, abort: a.signal, stop: () => s.abort(), kill: () => a.abort() };
};

/** An attempt function failing with the given errors first, then succeeding; records fake times. */
function script(clock: FakeClock, ...failures: Error[]) {
  const calls: number[] = [];
  const start = clock.now();
  const fn = async () => {
    calls.push(clock.now() - start);
    const f = failures.shift();
    if (f) throw f;
    return ok;
  };
  return { fn, calls };
}

/** Runs the loop to its end on the fake clock. */
async function run<T>(clock: FakeClock, p: Promise<T>, maxMs = 1_000_000): Promise<T> {
  let out: T | undefined;
  let done = false;
  void p.then((v) => { out = v; done = true; });
  await clock.advanceUntil(() => done, 100, maxMs);
  if (!done) throw new Error('retry loop did not end');
  return out!;
}

describe('sendWithRetry', () => {
  it('retries retryable failures with growing waits until success, at exact times', async () => {
    const clock = new FakeClock();
    const { fn, calls } = script(clock, unavailable(), unavailable(), unavailable());
    const waits: number[] = [];
    const out = await run(clock, sendWithRetry(fn, fast, ctl(), (_e, w) => waits.push(w), clock));
    expect(out).toMatchObject({ ok: true, attempts: 4 });
    expect(waits).toEqual([10, 20, 40]);
    expect(calls).toEqual([0, 10, 30, 70]);
  });

  it("follows the Collector's default schedule: 5 s × 1.5 up to 30 s, giving up after 300 s", async () => {
    const clock = new FakeClock();
    const waits: number[] = [];
    const fn = async (): Promise<SendResult> => { throw unavailable(); };
    const out = await run(clock, sendWithRetry(fn, collectorDefaults, ctl(), (_e, w) => waits.push(w), clock));
    expect(out).toMatchObject({ ok: false, reason: 'retries_exhausted' });
    expect(waits.slice(0, 6)).toEqual([5_000, 7_500, 11_250, 16_875, 25_313, 30_000]);
    expect(waits.reduce((a, w) => a + w, 0)).toBeLessThanOrEqual(300_000);
    expect(waits.reduce((a, w) => a + w, 0) + 30_000).toBeGreaterThan(300_000);
  });

  it('never retries a permanent failure', async () => {
    const clock = new FakeClock();
    const { fn, calls } = script(clock, new ExportSendError('grpc INVALID_ARGUMENT', 'bad', false));
    const out = await sendWithRetry(fn, fast, ctl(), () => { throw new Error('no retry expected'); }, clock);
    expect(out).toMatchObject({ ok: false, reason: 'permanent', attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('unknown errors are permanent', async () => {
    const clock = new FakeClock();
    const { fn } = script(clock, new TypeError('bug'));
    expect(await sendWithRetry(fn, fast, ctl(), () => {}, clock)).toMatchObject({ ok: false, reason: 'permanent' });
  });

  it('gives up after max_elapsed_time', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const fn = async (): Promise<SendResult> => { throw unavailable(); };
    const out = await run(clock, sendWithRetry(fn, { ...fast, max_elapsed_time: 150 }, ctl(), () => {}, clock));
    expect(out).toMatchObject({ ok: false, reason: 'retries_exhausted' });
    expect(clock.now() - t0).toBeLessThanOrEqual(250);
  });

  it('with retries disabled a retryable failure is final', async () => {
    const clock = new FakeClock();
    const { fn } = script(clock, unavailable());
    expect(await sendWithRetry(fn, { ...fast, enabled: false }, ctl(), () => {}, clock)).toMatchObject({ ok: false, reason: 'retries_exhausted', attempts: 1 });
  });

  it('waits the server-requested delay when longer than the backoff', async () => {
    const clock = new FakeClock();
    const { fn, calls } = script(clock, new ExportSendError('http 429', 'slow', true, 150));
    const waits: number[] = [];
    await run(clock, sendWithRetry(fn, fast, ctl(), (_e, w) => waits.push(w), clock));
    expect(waits).toEqual([150]);
    expect(calls).toEqual([0, 150]);
  });

  it('stopping cuts the wait short and allows one last attempt', async () => {
    const clock = new FakeClock();
    const c = ctl();
    const { fn, calls } = script(clock, unavailable(), unavailable(), unavailable());
    const p = sendWithRetry(fn, { ...fast, initial_interval: 10_000, max_interval: 10_000, max_elapsed_time: 0 }, c, () => {}, clock);
    await clock.advance(20);
    c.stop();
    expect(await p).toMatchObject({ ok: false, reason: 'stopped', attempts: 2 });
    expect(calls).toEqual([0, 20]);
  });

  it('a hard abort makes no further attempt', async () => {
    const clock = new FakeClock();
    const c = ctl();
    c.kill();
    const { fn, calls } = script(clock);
    expect(await sendWithRetry(fn, fast, c, () => {}, clock)).toMatchObject({ ok: false, reason: 'stopped' });
    expect(calls).toHaveLength(0);
  });
});

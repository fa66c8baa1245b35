// The retry loop: backoff between attempts, permanent errors final, exhaustion, shutdown interrupts.
import { describe, expect, it } from 'vitest';
import { ExportSendError } from './classify.js';
import type { RetryConfig } from './config.js';
import { sendWithRetry, type RetryControl } from './retry.js';
import type { SendResult } from './transport.js';

const fast: RetryConfig = { enabled: true, initial_interval: 10, max_interval: 40, max_elapsed_time: 2_000, multiplier: 2, randomization_factor: 0 };
const ok: SendResult = { rejected: 0, errorMessage: '' };
const unavailable = () => new ExportSendError('grpc UNAVAILABLE', 'down', true);
const ctl = (): RetryControl & { stop(): void; kill(): void } => {
  const s = new AbortController();
  const a = new AbortController();
  return { stopping: s.signal, abort: a.signal, stop: () => s.abort(), kill: () => a.abort() };
};

/** An attempt function failing with the given errors first, then succeeding. */
function script(...failures: Error[]) {
  const calls: number[] = [];
  const start = Date.now();
  const fn = async () => {
    calls.push(Date.now() - start);
    const f = failures.shift();
    if (f) throw f;
    return ok;
  };
  return { fn, calls };
}

describe('sendWithRetry', () => {
  it('retries retryable failures with growing waits until success', async () => {
    const { fn, calls } = script(unavailable(), unavailable(), unavailable());
    const waits: number[] = [];
    const out = await sendWithRetry(fn, fast, ctl(), (_e, w) => waits.push(w));
    expect(out).toMatchObject({ ok: true, attempts: 4 });
    expect(waits).toEqual([10, 20, 40]);
    expect(calls[3]!).toBeGreaterThanOrEqual(65);
  });

  it('never retries a permanent failure', async () => {
    const { fn, calls } = script(new ExportSendError('grpc INVALID_ARGUMENT', 'bad', false));
    const out = await sendWithRetry(fn, fast, ctl(), () => { throw new Error('no retry expected'); });
    expect(out).toMatchObject({ ok: false, reason: 'permanent', attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('unknown errors are permanent', async () => {
    const { fn } = script(new TypeError('bug'));
    expect(await sendWithRetry(fn, fast, ctl(), () => {})).toMatchObject({ ok: false, reason: 'permanent' });
  });

  it('gives up after max_elapsed_time', async () => {
    const fn = async (): Promise<SendResult> => { throw unavailable(); };
    const t0 = Date.now();
    const out = await sendWithRetry(fn, { ...fast, max_elapsed_time: 150 }, ctl(), () => {});
    expect(out).toMatchObject({ ok: false, reason: 'retries_exhausted' });
    expect(Date.now() - t0).toBeLessThan(400);
  });

  it('with retries disabled a retryable failure is final', async () => {
    const { fn } = script(unavailable());
    expect(await sendWithRetry(fn, { ...fast, enabled: false }, ctl(), () => {})).toMatchObject({ ok: false, reason: 'retries_exhausted', attempts: 1 });
  });

  it('waits the server-requested delay when longer than the backoff', async () => {
    const { fn, calls } = script(new ExportSendError('http 429', 'slow', true, 150));
    const waits: number[] = [];
    await sendWithRetry(fn, fast, ctl(), (_e, w) => waits.push(w));
    expect(waits).toEqual([150]);
    expect(calls[1]!).toBeGreaterThanOrEqual(140);
  });

  it('stopping cuts the wait short and allows one last attempt', async () => {
    const c = ctl();
    const { fn, calls } = script(unavailable(), unavailable(), unavailable());
    const p = sendWithRetry(fn, { ...fast, initial_interval: 10_000, max_interval: 10_000, max_elapsed_time: 0 }, c, () => {});
    await new Promise((r) => setTimeout(r, 20));
    c.stop();
    expect(await p).toMatchObject({ ok: false, reason: 'stopped', attempts: 2 });
    expect(calls).toHaveLength(2);
  });

  it('a hard abort makes no further attempt', async () => {
    const c = ctl();
    c.kill();
    const { fn, calls } = script();
    expect(await sendWithRetry(fn, fast, c, () => {})).toMatchObject({ ok: false, reason: 'stopped' });
    expect(calls).toHaveLength(0);
  });
});

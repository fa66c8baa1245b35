// Sends one request with retries: exponential backoff with jitter, server delays honoured, permanent errors final.
import { sleep, systemClock, type Clock } from '../clock.js';
import { ExponentialBackoff } from './backoff.js';
import { ExportSendError } from './classify.js';
import type { RetryConfig } from './config.js';
import type { SendResult } from './transport.js';

/** How a request's sending ended. `stopped`: shutdown interrupted retrying (or aborted the attempt). */
export type SendOutcome =
  | { ok: true; result: SendResult; attempts: number }
  | { ok: false; reason: 'permanent' | 'retries_exhausted' | 'stopped'; error: ExportSendError; attempts: number };

/** Shutdown signals seen by a retry loop. */
export interface RetryControl {
  /** Shutting down: a pending wait ends at once and the attempt after it is the last. */
  stopping: AbortSignal;
  /** Hard stop: the attempt in progress is cancelled and nothing more is tried. */
  abort: AbortSignal;
}

function asSendError(err: unknown): ExportSendError {
  if (err instanceof ExportSendError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ExportSendError('internal', `internal: ${message}`, false, undefined, err);
}


/**
 * Calls `attempt` until it succeeds, fails permanently, runs out of `retry_on_failure` time,
 * or shutdown stops it. Before each retry `onRetry(error, waitMs)` is called; the wait is the
 * backoff's, or the server's Retry-After / RetryInfo delay when longer.
 */
export async function sendWithRetry(
  attempt: (abort: AbortSignal) => Promise<SendResult>,
  cfg: RetryConfig,
  ctl: RetryControl,
  onRetry: (error: ExportSendError, waitMs: number) => void,
  clock: Clock = systemClock,
): Promise<SendOutcome> {
  const backoff = new ExponentialBackoff(cfg, () => clock.now());
  for (let attempts = 1; ; attempts++) {
    let error: ExportSendError;
    try {
      if (ctl.abort.aborted) throw new ExportSendError('aborted', 'export aborted by shutdown', true);
      return { ok: true, result: await attempt(ctl.abort), attempts };
    } catch (err) {
      error = asSendError(err);
    }
    if (!error.retryable) return { ok: false, reason: 'permanent', error, attempts };
    if (ctl.stopping.aborted || ctl.abort.aborted) return { ok: false, reason: 'stopped', error, attempts };
    if (!cfg.enabled) return { ok: false, reason: 'retries_exhausted', error, attempts };
    const wait = backoff.next(error.retryAfterMs ?? 0);
    if (wait === undefined) return { ok: false, reason: 'retries_exhausted', error, attempts };
    onRetry(error, wait);
    await sleep(clock, wait, ctl.stopping);
  }
}

// The HTTP half every webhook-style notifier shares: one JSON POST, its answer classified as the
// notifier contract says (2xx sent; 429 retry with Retry-After; 408/5xx/network retry; other 4xx rejected).
import { parseRetryAfter } from '../exporterhelper/classify.js';
import type { SendResult } from './api.js';

/** How much of a peer's answer a result quotes. */
export const PEER_BODY_LIMIT = 500;

/** Options of one request. */
export interface PostJsonOptions {
  /** Extra headers (`Authorization`); `Content-Type: application/json` is always set. */
  headers?: Record<string, string>;
  /** Aborts the request (shutdown, timeout). */
  signal: AbortSignal;
  /** The agent clock's now(), for Retry-After given as an HTTP date. */
  now: () => number;
}

/** Sends `body` as JSON to `url` and classifies the answer; never throws for what the peer or the network did. */
export async function postJson(url: string, body: unknown, opts: PostJsonOptions): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...opts.headers },
      body: JSON.stringify(body),
      signal: opts.signal,
      redirect: 'manual',
    });
  } catch (err) {
    return { outcome: 'retry', detail: networkError(err) };
  }
  let text = '';
  try {
    text = await res.text();
  } catch (err) {
    if (res.status < 200 || res.status >= 300) return { outcome: 'retry', detail: `HTTP ${res.status}, body unreadable: ${networkError(err)}` };
  }
  return classifyResponse(res.status, res.headers.get('retry-after') ?? undefined, text, opts.now());
}

/** The contract's classification of an HTTP answer; `body` is quoted up to PEER_BODY_LIMIT characters. */
export function classifyResponse(status: number, retryAfter: string | undefined, body: string, nowMs: number): SendResult {
  const quoted = body.length > PEER_BODY_LIMIT ? `${body.slice(0, PEER_BODY_LIMIT)}…` : body;
  const detail = quoted ? `HTTP ${status}: ${quoted}` : `HTTP ${status}`;
  if (status >= 200 && status < 300) return { outcome: 'sent', detail: quoted || undefined };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    return retryAfterMs === undefined ? { outcome: 'retry', detail } : { outcome: 'retry', detail, retryAfterMs };
  }
  if (status === 408 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    return retryAfterMs === undefined ? { outcome: 'retry', detail } : { outcome: 'retry', detail, retryAfterMs };
  }
  if (status >= 300 && status < 400) return { outcome: 'rejected', detail: `${detail} (redirects are not followed)` };
  return { outcome: 'rejected', detail };
}

/** A fetch failure as one line: the cause's code and message (never the URL, which may hold a secret). */
function networkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'aborted';
  const cause = e?.cause;
  if (cause?.code || cause?.message) return `network error: ${[cause.code, cause.message].filter(Boolean).join(' ')}`;
  return `network error: ${e?.message ?? String(err)}`;
}

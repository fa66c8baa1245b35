// One HTTP POST for HTTP notifiers, its answer classified as a SendResult: 2xx sent; 429 retry with
// Retry-After; 408, 5xx and network errors retry; other statuses (3xx included) rejected.
import type { Clock } from '../clock.js';
import { parseRetryAfter } from '../exporterhelper/classify.js';
import type { SendResult } from './api.js';

/** Characters of a peer's answer quoted in a SendResult's detail. */
export const PEER_BODY_LIMIT = 500;

export interface PostOptions {
  /** Headers besides `content-type: application/json`. */
  headers?: Record<string, string>;
  /** Aborts the request (shutdown or the service's timeout). */
  signal: AbortSignal;
  /** Turns a Retry-After HTTP date into a delay. */
  clock: Clock;
  /** Content type of `body`; default `application/json`. */
  contentType?: string;
}

/**
 * Posts `body` (already serialized: signatures cover these exact bytes) to `url` and classifies the
 * answer. Redirects are not followed: a webhook that moved is a config problem, and following
 * would send the payload and its credentials to another host.
 */
export async function postForResult(url: string, body: string, opts: PostOptions): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': opts.contentType ?? 'application/json', ...opts.headers },
      body,
      signal: opts.signal,
      redirect: 'manual',
    });
  } catch (err) {
    return { outcome: 'retry', detail: networkDetail(err, opts.signal) };
  }
  let text = '';
  try {
    text = await res.text();
  } catch {
    // the answer's status decides; a body cut short changes nothing
  }
  return classifyHttpAnswer(res.status, res.headers.get('retry-after') ?? undefined, text, opts.clock.now());
}

/** The SendResult an HTTP answer means (see the module header). */
export function classifyHttpAnswer(status: number, retryAfter: string | undefined, body: string, nowMs: number): SendResult {
  const quoted = body.length > PEER_BODY_LIMIT ? `${body.slice(0, PEER_BODY_LIMIT)}…` : body;
  const detail = quoted ? `HTTP ${status}: ${quoted}` : `HTTP ${status}`;
  if (status >= 200 && status < 300) return quoted ? { outcome: 'sent', detail: quoted } : { outcome: 'sent' };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    return retryAfterMs === undefined ? { outcome: 'retry', detail } : { outcome: 'retry', detail, retryAfterMs };
  }
  if (status === 408 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    return retryAfterMs === undefined ? { outcome: 'retry', detail } : { outcome: 'retry', detail, retryAfterMs };
  }
  if (status >= 300 && status < 400) return { outcome: 'rejected', detail: `${detail} (redirects are not followed; configure the final URL)` };
  return { outcome: 'rejected', detail };
}

function networkDetail(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'aborted before the peer answered';
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `network error: ${e.message} (${cause})` : `network error: ${e.message}`;
}

// The JSON flavour of the one HTTP POST every webhook-style notifier shares (http-post.ts): the
// body serialized here, the answer classified as the notifier contract says.
import type { Clock } from '../clock.js';
import type { SendResult } from './api.js';
import { classifyHttpAnswer, postForResult } from './http-post.js';

export { PEER_BODY_LIMIT } from './http-post.js';

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
export function postJson(url: string, body: unknown, opts: PostJsonOptions): Promise<SendResult> {
  return postForResult(url, JSON.stringify(body), { headers: opts.headers, signal: opts.signal, clock: { now: opts.now } as Clock });
}

/** The contract's classification of an HTTP answer (see http-post.ts). */
export const classifyResponse = classifyHttpAnswer;

// Standard Webhooks v1 signatures: HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`
// keyed with the base64-decoded bytes of a `whsec_` secret, sent as `v1,<base64>`.
import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Secret sizes the specification asks for (bytes). */
export const SECRET_MIN_BYTES = 24;
export const SECRET_MAX_BYTES = 64;

/** The key bytes of a `whsec_<base64>` secret, or the problem with it (never quoting the secret). */
export function decodeWebhookSecret(secret: string): { key: Buffer; problem?: undefined } | { key?: undefined; problem: string } {
  if (!secret.startsWith(PREFIX)) return { problem: `must start with '${PREFIX}' followed by base64 (a Standard Webhooks secret)` };
  const b64 = secret.slice(PREFIX.length);
  if (!BASE64.test(b64) || b64.length % 4 !== 0) return { problem: `after '${PREFIX}' must come standard base64 (A-Z a-z 0-9 + /, = padding)` };
  const key = Buffer.from(b64, 'base64');
  if (key.length < SECRET_MIN_BYTES || key.length > SECRET_MAX_BYTES) {
    return { problem: `must encode ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} random bytes, got ${key.length}` };
  }
  return { key };
}

/** The three signature headers for one attempt; `timestampS` is unix seconds. */
export function standardWebhookHeaders(key: Buffer, id: string, timestampS: number, body: string): Record<string, string> {
  const mac = createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampS), 'webhook-signature': `v1,${mac}` };
}

// What an SMTP failure means for delivery. SMTP reads the other way round from HTTP: a 4xx reply is
// transient (try again later), a 5xx reply is permanent (the server refuses this message).
import type { SendResult } from '../../agent/notifiers/api.js';
import { PEER_BODY_LIMIT } from '../../agent/notifiers/http-post.js';

/** A nodemailer error's fields that matter here. */
export interface SmtpError { message: string; code?: string; responseCode?: number; response?: string; command?: string }

/** Errors without an SMTP reply that retrying cannot fix (bad message or envelope built locally, auth setup). */
const PERMANENT_LOCAL = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH']);

/** The SendResult of a failed send. */
export function classifySmtpError(err: SmtpError): SendResult {
  const reply = (err.response ?? err.message).slice(0, PEER_BODY_LIMIT);
  const cmd = err.command ? ` (${err.command})` : '';
  const code = err.responseCode;
  if (typeof code === 'number' && code >= 400 && code < 500) return { outcome: 'retry', detail: `SMTP ${code}${cmd}: ${reply}` };
  if (typeof code === 'number' && code >= 500) return { outcome: 'rejected', detail: `SMTP ${code}${cmd}: ${reply}` };
  if (err.code && PERMANENT_LOCAL.has(err.code)) return { outcome: 'rejected', detail: `${err.code}${cmd}: ${reply}` };
  // no reply: connection refused or reset, DNS, TLS handshake, timeouts — the server may be back later
  return { outcome: 'retry', detail: `${err.code ?? 'network error'}${cmd}: ${reply}` };
}

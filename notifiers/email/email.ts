// The `email` notifier: one mail per notification (text + HTML) over a pooled nodemailer SMTP transport.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type Nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierSettings, SendResult } from '../../agent/notifiers/api.js';
import { readTlsFiles } from '../../agent/tls-files.js';
import { emailHtml, emailText } from './body.js';
import type { EmailConfig } from './config.js';
import { classifySmtpError, type SmtpError } from './smtp-result.js';
import { emailSubject } from './subject.js';

/** SMTP connections kept open per notifier. */
const POOL_CONNECTIONS = 2;
/** Longest silence on an open connection before it counts as failed (ms). */
const SOCKET_TIMEOUT_MS = 60_000;

// nodemailer (~100 modules, several MiB resident) loads with the first email notifier, not with the agent.
const require = createRequire(import.meta.url);
let mailer: typeof Nodemailer | undefined;
const nodemailer = (): typeof Nodemailer => (mailer ??= require('nodemailer') as typeof Nodemailer);

/** The nodemailer transport options of `config` (reads `tls.ca_file`; throws BAD_CONFIG when it cannot). */
export function transportOptions(id: string, config: EmailConfig): SMTPPool.Options {
  const s = config.smtp;
  const secure = s.secure ?? s.port === 465;
  const files = readTlsFiles(`notifiers.${id}: smtp`, { ca_file: s.tls.ca_file });
  return {
    pool: true,
    maxConnections: POOL_CONNECTIONS,
    host: s.host,
    port: s.port,
    secure,
    requireTLS: !secure && s.starttls === 'required',
    auth: s.username !== undefined ? { user: s.username, pass: s.password ?? '' } : undefined,
    tls: {
      rejectUnauthorized: !s.tls.insecure_skip_verify,
      ...(files.ca_file ? { ca: files.ca_file } : {}),
      ...(s.tls.server_name ? { servername: s.tls.server_name } : {}),
    },
    connectionTimeout: s.connect_timeout,
    greetingTimeout: s.connect_timeout,
    socketTimeout: SOCKET_TIMEOUT_MS,
    logger: false,
  };
}

/** One `email/<name>` instance. */
export class EmailNotifier implements Notifier {
  readonly id: string;
  readonly minIntervalMs = 0;
  /** Mail cannot be acknowledged. */
  readonly acknowledges = false;
  private readonly transport: Transporter<SMTPPool.SentMessageInfo>;
  private readonly domain: string;
  private closed = false;

  constructor(settings: NotifierSettings, private readonly config: EmailConfig) {
    this.id = settings.id;
    this.transport = nodemailer().createTransport(transportOptions(settings.id, config));
    this.domain = /@([^\s>]+)/.exec(config.from)?.[1] ?? 'outrider.local';
  }

  /**
   * Sends `n` as one mail. Its Message-ID derives from the notification id, the same on every retry;
   * `References` names the group, so mail clients thread a group's firing and resolved mails.
   */
  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    if (this.closed) return { outcome: 'retry', detail: 'notifier closed' };
    if (signal.aborted) return { outcome: 'retry', detail: 'aborted before sending' };
    const group = createHash('sha256').update(n.groupKey).digest('hex').slice(0, 24);
    const sending = this.transport.sendMail({
      from: this.config.from,
      to: this.config.to,
      subject: emailSubject(n, this.config.subject_template),
      text: emailText(n),
      html: emailHtml(n),
      messageId: `<${n.id.replace(/[^A-Za-z0-9._-]/g, '_')}@${this.domain}>`,
      references: `<group-${group}@${this.domain}>`,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Outrider-Notification-Id': n.id },
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<SendResult>((resolve) => {
      onAbort = () => resolve({ outcome: 'retry', detail: 'aborted before the SMTP server answered' });
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([sending.then((info) => sentResult(info)), aborted]);
    } catch (err) {
      return classifySmtpError(err as SmtpError);
    } finally {
      signal.removeEventListener('abort', onAbort!);
      sending.catch(() => undefined);
    }
  }

  /** Closes the pooled connections. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
  }
}

function sentResult(info: { response?: string; rejected?: unknown[] }): SendResult {
  const rejected = (info.rejected ?? []).map(String);
  const detail = [info.response, rejected.length ? `refused recipients: ${rejected.join(', ')}` : ''].filter(Boolean).join('; ');
  return detail ? { outcome: 'sent', detail } : { outcome: 'sent' };
}

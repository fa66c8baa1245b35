// A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1: STARTTLS with a
// self-signed certificate, AUTH PLAIN/LOGIN checked against one user, scripted replies; plus a
// minimal MIME reader to look at what arrived.
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { tempDir } from './config.js';

/** One mail the server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Whether the session ran over TLS (STARTTLS done). */
  secure: boolean;
  /** The authenticated user, if any. */
  user?: string;
}

/** A reply to force at a stage (`rcpt` or `data`), e.g. `{ stage: 'data', code: 451, text: 'try later' }`. */
export interface ScriptedReply { stage: 'rcpt' | 'data'; code: number; text: string }

export interface TestSmtpServer {
  host: string;
  port: number;
  /** PEM file of the server's self-signed certificate (for `tls.ca_file`). */
  caFile: string;
  mails: ReceivedMail[];
  /** AUTH attempts (user names), successful or not. */
  authAttempts: string[];
  /** Connections open now. */
  open(): number;
  /** Replies for the next matching commands, each used once. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

/** Starts the server; `starttls: false` hides STARTTLS (a server that cannot upgrade). */
export async function startSmtpServer(opts: { username: string; password: string; starttls?: boolean }): Promise<TestSmtpServer> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  const caFile = join(tempDir('outrider-smtp-'), 'ca.pem');
  writeFileSync(caFile, pems.cert);
  const mails: ReceivedMail[] = [];
  const authAttempts: string[] = [];
  const scripted: ScriptedReply[] = [];
  let open = 0;
  const take = (stage: ScriptedReply['stage']) => {
    const i = scripted.findIndex((r) => r.stage === stage);
    if (i < 0) return undefined;
    const r = scripted.splice(i, 1)[0]!;
    return Object.assign(new Error(r.text), { responseCode: r.code });
  };
  const options: SMTPServerOptions = {
    key: pems.private,
    cert: pems.cert,
    // nodemailer's requireTLS tries STARTTLS even when not advertised, so a server without TLS must refuse the command
    disabledCommands: opts.starttls === false ? ['STARTTLS'] : [],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onConnect(_session, cb) { open++; cb(); },
    onClose() { open--; },
    onAuth(auth, _session, cb) {
      authAttempts.push(auth.username ?? '');
      if (auth.username === opts.username && auth.password === opts.password) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, cb) { cb(take('rcpt') ?? null); },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const err = take('data');
        if (err) { cb(err); return; }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'), secure: session.secure, user: session.user as string | undefined });
        cb(null);
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1', port, caFile, mails, authAttempts,
    open: () => open,
    script: (...r) => { scripted.push(...r); },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One MIME part, decoded. */
export interface MimePart { contentType: string; body: string }

/** The headers (unfolded; names lower-case) and leaf parts (quoted-printable and base64 decoded) of a message. */
export function readMime(raw: string): { headers: Record<string, string>; parts: MimePart[] } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head!.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = rest.join('\n\n');
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!type.startsWith('multipart/') || !boundary) {
    return { headers, parts: [{ contentType: type.split(';')[0]!, body: decode(body, headers['content-transfer-encoding']) }] };
  }
  const parts = body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--'));
  return { headers, parts: parts.flatMap((p) => readMime(p.replace(/^\r?\n/, '')).parts) };
}

function decode(body: string, encoding = '7bit'): string {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

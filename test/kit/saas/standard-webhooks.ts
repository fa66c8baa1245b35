// A webhook receiver that verifies Standard Webhooks v1 signatures, written from the specification
// independently of the agent's signer: HMAC-SHA256 of `${id}.${timestamp}.${body}` with the
// base64-decoded secret after `whsec_`, any `v1,` entry of the space-separated list matching in
// constant time, the timestamp within a tolerance (5 min), duplicates recognised by `webhook-id`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The specification's recommended timestamp tolerance. */
export const TOLERANCE_S = 5 * 60;

/** Why a delivery fails verification, or undefined when it verifies. */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, raw: string, nowS = Math.floor(Date.now() / 1000)): string | undefined {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return 'missing webhook-id, webhook-timestamp or webhook-signature';
  if (!/^\d+$/.test(ts)) return `webhook-timestamp is not unix seconds: ${ts}`;
  if (Math.abs(nowS - Number(ts)) > TOLERANCE_S) return `webhook-timestamp ${ts} outside the ${TOLERANCE_S}s tolerance`;
  if (!secret.startsWith('whsec_')) return 'receiver secret is not whsec_';
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${ts}.${raw}`).digest();
  for (const entry of sig.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
  }
  return 'no v1 signature matches';
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  /** Undefined when the signature verified. */
  failure?: string;
  /** Whether an earlier verified delivery had the same webhook-id. */
  duplicate: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status codes for the next verified deliveries (each used once); 204 after. */
  script(...statuses: number[]): void;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1: 401 for a bad signature, else the scripted status or 204. */
export async function startWebhookReceiver(secret: string, listenPort = 0): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const seen = new Set<string>();
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const failure = verifyStandardWebhook(secret, req.headers, raw);
      const id = String(req.headers['webhook-id']);
      let body: unknown;
      try { body = JSON.parse(raw); } catch { body = undefined; }
      received.push({ headers: req.headers, raw, body, failure, duplicate: !failure && seen.has(id) });
      if (failure) { res.writeHead(401).end(failure); return; }
      seen.add(id);
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/outrider`,
    received,
    script: (...s) => { statuses.push(...s); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

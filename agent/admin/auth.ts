// Bearer-token authentication of the admin API: tokens compared in constant time (over their
// SHA-256 hashes, so lengths leak nothing), each with the name the audit log records.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminConfig } from './config.js';

/** Who made a request: the token's name, or `anonymous` for an open read. */
export type Principal = string;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The configured tokens, hashed once. */
export class TokenSet {
  private readonly entries: Array<{ name: string; hash: Buffer }>;

  constructor(config: Pick<AdminConfig, 'token' | 'tokens'>) {
    this.entries = [
      ...(config.token ? [{ name: 'admin', hash: digest(config.token) }] : []),
      ...config.tokens.map((t) => ({ name: t.name, hash: digest(t.token) })),
    ];
  }

  /** Whether any token is configured. */
  get size(): number { return this.entries.length; }

  /**
   * The name of the token presented, or undefined. Every entry is compared (no early exit), so
   * the time taken does not say which one matched or how close a guess came.
   */
  match(presented: string): string | undefined {
    const h = digest(presented);
    let found: string | undefined;
    for (const e of this.entries) if (timingSafeEqual(h, e.hash) && found === undefined) found = e.name;
    return found;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** Whether a host (as bound) is a loopback address: open reads are honoured only there. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

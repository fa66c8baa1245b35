// Config of the admin service (top-level section `admin`): where it listens, who may use it.
import { z } from 'zod';
import { bool, duration, endpoint, num } from '../../config/schema-helpers.js';

/** Shortest token accepted: a guessable token on an API that changes alert rules is a defect. */
export const MIN_TOKEN_LENGTH = 16;

const token = z.string().refine((t) => t === '' || t.length >= MIN_TOKEN_LENGTH, { message: `must be at least ${MIN_TOKEN_LENGTH} characters (or empty for none)` });

export const adminConfigSchema = z.strictObject({
  /** host:port of the REST API, the console and the OpenAPI document (default loopback only). */
  endpoint: endpoint().default('127.0.0.1:13133'),
  /** The bearer token (give it as `${env:OUTRIDER_ADMIN_TOKEN}`); its audit name is `admin`. Empty = none. */
  token: token.default(''),
  /** More tokens, each with the name the audit log records as "who". */
  tokens: z.array(z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.@]{0,63}$/, 'name must be 1-64 letters, digits, - _ . @'),
    token: token.refine((t) => t !== '', { message: 'must not be empty' }),
  })).default([]),
  /** Reads (GET) without a token; honoured only when `endpoint` is a loopback address. */
  open_reads: bool().default(false),
  /** Audit entries older than this are deleted (ms; default 90 days). */
  audit_retention: duration().default(90 * 86_400_000),
  /** Failed authentications allowed per client IP within `window` before it gets 429. */
  auth_failures: z.strictObject({
    limit: num({ int: true, min: 1 }).default(10),
    /** ms. */
    window: duration().default(60_000),
  }).prefault({}),
}).superRefine((c, ctx) => {
  const names = new Set<string>(c.token ? ['admin'] : []);
  c.tokens.forEach((t, i) => {
    if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `token name '${t.name}' is used twice` });
    names.add(t.name);
  });
});

export type AdminConfig = z.output<typeof adminConfigSchema>;

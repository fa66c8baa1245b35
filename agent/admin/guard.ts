// The admin server's gate: security headers on every reply, bearer-token auth on /api (reads may
// be open on loopback), and a limit on failed attempts per client IP.
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';
import { bearerOf, type TokenSet } from './auth.js';
import type { FailureLimiter } from './rate-limit.js';

/** Headers every reply carries: no framing, no sniffing, no referrer, only our own scripts and styles. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface GuardOptions {
  tokens: TokenSet;
  limiter: FailureLimiter;
  /** GET/HEAD on /api without a token (already restricted to loopback binds by the caller). */
  openReads: boolean;
}

/** Installs the header and auth hooks. */
export function installGuard(app: FastifyInstance, o: GuardOptions): void {
  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) void reply.header(k, v);
    void reply.header('cache-control', 'no-store');
    const path = req.url.split('?')[0]!;
    if (path !== '/api' && !path.startsWith('/api/')) return;
    const wait = o.limiter.blockedFor(req.ip);
    if (wait > 0) throw errors.rateLimited(`too many failed authentications from ${req.ip}; try again in ${wait}s`, wait);
    const presented = bearerOf(req.headers.authorization);
    if (presented === undefined) {
      if (req.headers.authorization !== undefined) {
        o.limiter.fail(req.ip);
        throw errors.unauthenticated('the Authorization header must be "Bearer <token>"');
      }
      if (o.openReads && (req.method === 'GET' || req.method === 'HEAD')) { req.principal = 'anonymous'; return; }
      throw errors.unauthenticated(o.tokens.size === 0 ? 'this agent has no admin token configured (admin.token); writes are disabled' : 'a bearer token is required (Authorization: Bearer <token>)');
    }
    const name = o.tokens.match(presented);
    if (name === undefined) {
      o.limiter.fail(req.ip);
      throw errors.unauthenticated('the bearer token is not valid');
    }
    req.principal = name;
  });
}

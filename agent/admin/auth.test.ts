// Authentication of the admin API: bearer tokens, 401 with WWW-Authenticate, the failed-attempt
// limit (429), open reads, security headers and no cookies.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, OPS_TOKEN, startTestAdmin, type TestAdmin } from '../../test/kit/admin-app.js';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { bearerOf, isLoopback, TokenSet } from './auth.js';
import { adminConfigSchema } from './config.js';
import { FailureLimiter } from './rate-limit.js';

let t: TestAdmin | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

describe('tokens', () => {
  it('matches each configured token to its name, and nothing else', () => {
    const set = new TokenSet({ token: ADMIN_TOKEN, tokens: [{ name: 'ops', token: OPS_TOKEN }] });
    expect(set.match(ADMIN_TOKEN)).toBe('admin');
    expect(set.match(OPS_TOKEN)).toBe('ops');
    expect(set.match(ADMIN_TOKEN.slice(0, -1))).toBeUndefined();
    expect(set.match('')).toBeUndefined();
    expect(new TokenSet({ token: '', tokens: [] }).size).toBe(0);
  });

  it('reads only well-formed Bearer headers', () => {
    expect(bearerOf('Bearer abc')).toBe('abc');
    expect(bearerOf('bearer abc')).toBe('abc');
    expect(bearerOf('Basic abc')).toBeUndefined();
    expect(bearerOf('Bearer a b')).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '', '::'].some(isLoopback)).toBe(false);
  });

  it('refuses short tokens and duplicate names in the config, naming the key', () => {
    const r = adminConfigSchema.safeParse({ token: 'short', tokens: [{ name: 'a', token: OPS_TOKEN }, { name: 'a', token: ADMIN_TOKEN }] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toContain('token: must be at least 16 characters (or empty for none)');
    expect(paths).toContain("tokens.1.name: token name 'a' is used twice");
  });
});

describe('failure limiter', () => {
  it('blocks an IP after the limit within the window, and lets it go when the window passes', async () => {
    const clock = new FakeClock();
    const l = new FailureLimiter(clock, 3, 60_000);
    for (let i = 0; i < 3; i++) { expect(l.blockedFor('1.2.3.4')).toBe(0); l.fail('1.2.3.4'); }
    expect(l.blockedFor('1.2.3.4')).toBe(60);
    expect(l.blockedFor('5.6.7.8')).toBe(0);
    await clock.advance(60_001);
    expect(l.blockedFor('1.2.3.4')).toBe(0);
  });
});

describe('the API gate', () => {
  it('answers 401 with WWW-Authenticate without a token and with a wrong one', async () => {
    t = await startTestAdmin();
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: 'Basic YWRtaW46YWRtaW4=' }]) {
      for (const [method, url] of [['GET', '/api/status'], ['POST', '/api/alerts'], ['DELETE', '/api/silences/x']] as const) {
        const r = await t.app.inject({ method, url, headers });
        expect(r.statusCode, `${method} ${url}`).toBe(401);
        expect(r.headers['www-authenticate']).toBe('Bearer realm="outrider"');
        expect(r.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
      }
    }
  });

  it('accepts every configured token and records its name as who', async () => {
    t = await startTestAdmin();
    const r = await t.app.inject({ method: 'POST', url: '/api/alerts', headers: { authorization: `Bearer ${OPS_TOKEN}` }, payload: { name: 'Manual', severity: 'high' } });
    expect(r.statusCode).toBe(201);
    expect(t.alerting.calls).toEqual([['trigger', 'ops']]);
    const audit = await t.app.inject({ url: '/api/audit', headers: t.auth });
    expect(audit.json()[0]).toMatchObject({ who: 'ops', action: 'alert.trigger' });
  });

  it('answers 429 with Retry-After after too many failures from one IP, even with the right token then', async () => {
    t = await startTestAdmin({ failureLimit: 3 });
    for (let i = 0; i < 3; i++) expect((await t.app.inject({ url: '/api/status', headers: { authorization: `Bearer guess-${i}-0123456789abcdef` } })).statusCode).toBe(401);
    const blocked = await t.app.inject({ url: '/api/status', headers: t.auth });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const other = await t.app.inject({ url: '/api/status', headers: t.auth, remoteAddress: '127.0.0.9' });
    expect(other.statusCode).toBe(200);
    await t.settings.clock.advance(61_000);
    expect((await t.app.inject({ url: '/api/status', headers: t.auth })).statusCode).toBe(200);
  });

  it('serves reads without a token only with open_reads; writes still need it', async () => {
    t = await startTestAdmin({ openReads: true });
    expect((await t.app.inject({ url: '/api/status' })).statusCode).toBe(200);
    const w = await t.app.inject({ method: 'POST', url: '/api/alerts', payload: { name: 'x', severity: 'low' } });
    expect(w.statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/status', headers: { authorization: 'Bearer wrong-0123456789abcdef' } })).statusCode).toBe(401);
  });

  it('sends the security headers on every reply and never a cookie', async () => {
    t = await startTestAdmin();
    for (const url of ['/', '/ui/console.js', '/api/status', '/docs', '/api/nothing']) {
      const r = await t.app.inject({ url, headers: t.auth });
      expect(r.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });
});

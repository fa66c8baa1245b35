// The one classification of HTTP answers every webhook-style notifier uses.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { classifyResponse, postJson } from './http.js';

const NOW = Date.UTC(2026, 0, 1);

describe('classifyResponse', () => {
  it('2xx is sent, with the peer’s answer', () => {
    expect(classifyResponse(200, undefined, 'ok', NOW)).toEqual({ outcome: 'sent', detail: 'ok' });
    expect(classifyResponse(202, undefined, '', NOW)).toEqual({ outcome: 'sent', detail: undefined });
  });

  it('429 is retried after Retry-After given in seconds or as an HTTP date', () => {
    expect(classifyResponse(429, '7', 'slow down', NOW)).toEqual({ outcome: 'retry', detail: 'HTTP 429: slow down', retryAfterMs: 7_000 });
    expect(classifyResponse(429, new Date(NOW + 90_000).toUTCString(), '', NOW)).toEqual({ outcome: 'retry', detail: 'HTTP 429', retryAfterMs: 90_000 });
    expect(classifyResponse(429, undefined, '', NOW)).toEqual({ outcome: 'retry', detail: 'HTTP 429' });
  });

  it('408 and 5xx are retried; other 4xx and 3xx are rejected with the first 500 characters of the answer', () => {
    expect(classifyResponse(408, undefined, '', NOW).outcome).toBe('retry');
    expect(classifyResponse(503, '2', 'down', NOW)).toEqual({ outcome: 'retry', detail: 'HTTP 503: down', retryAfterMs: 2_000 });
    const long = classifyResponse(400, undefined, 'e'.repeat(2_000), NOW);
    expect(long).toEqual({ outcome: 'rejected', detail: `HTTP 400: ${'e'.repeat(500)}…` });
    expect(classifyResponse(301, undefined, '', NOW)).toMatchObject({ outcome: 'rejected', detail: expect.stringMatching(/^HTTP 301 \(redirects are not followed/) });
  });
});

describe('postJson', () => {
  it('a refused connection is retried, and the URL (which may hold a token) is not quoted', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const result = await postJson(`http://127.0.0.1:${port}/services/T0/B0/SECRET-TOKEN`, { text: 'x' }, { signal: new AbortController().signal, now: () => NOW });
    expect(result.outcome).toBe('retry');
    expect(result.detail).toMatch(/^network error: .*ECONNREFUSED/);
    expect(result.detail).not.toContain('SECRET-TOKEN');
  });

  it('sends JSON with the given headers', async () => {
    let seen: { type?: string; auth?: string; body: string } | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { seen = { type: req.headers['content-type'], auth: req.headers.authorization, body }; res.writeHead(202).end('{"status":"success"}'); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const result = await postJson(`http://127.0.0.1:${port}/v2/alerts`, { a: 1 }, { signal: new AbortController().signal, now: () => NOW, headers: { authorization: 'GenieKey k' } });
    await new Promise<void>((r) => server.close(() => r()));
    expect(result).toEqual({ outcome: 'sent', detail: '{"status":"success"}' });
    expect(seen).toEqual({ type: 'application/json', auth: 'GenieKey k', body: '{"a":1}' });
  });
});

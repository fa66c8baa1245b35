// HTTP answers as SendResults, and the POST itself: no redirects followed, abort is a retry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { classifyHttpAnswer, postForResult } from './http-post.js';

describe('classifyHttpAnswer', () => {
  const now = Date.UTC(2026, 0, 1);
  it('2xx sent (quoting the body), 429 and 503 retry with Retry-After, 408 retry, other 4xx rejected with 500 chars of the body', () => {
    expect(classifyHttpAnswer(202, undefined, '', now)).toEqual({ outcome: 'sent' });
    expect(classifyHttpAnswer(200, undefined, 'ok', now)).toEqual({ outcome: 'sent', detail: 'ok' });
    expect(classifyHttpAnswer(429, '3', 'slow down', now)).toEqual({ outcome: 'retry', detail: 'HTTP 429: slow down', retryAfterMs: 3000 });
    expect(classifyHttpAnswer(429, new Date(now + 90_000).toUTCString(), '', now)).toEqual({ outcome: 'retry', detail: 'HTTP 429', retryAfterMs: 90_000 });
    expect(classifyHttpAnswer(503, '10', '', now)).toEqual({ outcome: 'retry', detail: 'HTTP 503', retryAfterMs: 10_000 });
    expect(classifyHttpAnswer(408, undefined, '', now)).toEqual({ outcome: 'retry', detail: 'HTTP 408' });
    expect(classifyHttpAnswer(400, undefined, 'x'.repeat(900), now)).toEqual({ outcome: 'rejected', detail: `HTTP 400: ${'x'.repeat(500)}…` });
    expect(classifyHttpAnswer(301, undefined, '', now)).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('redirects are not followed') });
  });
});

describe('postForResult', () => {
  let server: Server;
  let url = '';
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      req.resume();
      if (req.url === '/moved') res.writeHead(307, { location: '/ok' }).end();
      else if (req.url === '/hang') { /* never answers */ }
      else res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => { server.closeAllConnections(); server.close(); });

  it('does not follow a redirect (the payload and its credentials stay with the configured host)', async () => {
    hits = 0;
    const r = await postForResult(`${url}/moved`, '{}', { signal: new AbortController().signal, clock: new FakeClock() });
    expect(r).toMatchObject({ outcome: 'rejected', detail: expect.stringMatching(/^HTTP 307/) });
    expect(hits).toBe(1);
  });

  it('an aborted request is a retry', async () => {
    const ac = new AbortController();
    const pending = postForResult(`${url}/hang`, '{}', { signal: ac.signal, clock: new FakeClock() });
    ac.abort();
    expect(await pending).toEqual({ outcome: 'retry', detail: 'aborted before the peer answered' });
  });
});

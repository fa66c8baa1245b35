// The webhook notifier against a receiver that verifies Standard Webhooks signatures independently.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { resolvedOf, sampleNotification } from '../../test/kit/sample-notification.js';
import { startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from '../../test/kit/saas/standard-webhooks.js';
import { webhookNotifierFactory } from './index.js';
import { decodeWebhookSecret, standardWebhookHeaders } from './signature.js';

// the example secret of the Standard Webhooks specification (24 bytes)
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('webhook notifier', () => {
  let rx: WebhookReceiver;
  beforeAll(async () => { rx = await startWebhookReceiver(SECRET); });
  afterAll(async () => { await rx.close(); });

  const make = (clock = new FakeClock(Date.now()), extra: Record<string, unknown> = {}) =>
    webhookNotifierFactory.create({ id: 'webhook/ops', logger: pino({ level: 'silent' }), clock },
      webhookNotifierFactory.parse({ url: rx.url, secret: SECRET, ...extra }));
  const signal = () => new AbortController().signal;

  it('signs the test vector of the Standard Webhooks reference libraries, and the receiver verifies it', () => {
    const headers = standardWebhookHeaders(decodeWebhookSecret(SECRET).key!, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(headers).toEqual({ 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' });
    expect(verifyStandardWebhook(SECRET, { ...headers, 'webhook-signature': `v1,bm90IHRoaXMgb25l ${headers['webhook-signature']}` }, '{"test": 2432232314}', 1614265330)).toBeUndefined();
  });

  it('a signed firing notification verifies and carries the Alertmanager-style payload', async () => {
    const result = await make(undefined, { headers: { authorization: 'Bearer t0k' } }).send(sampleNotification({ id: 'ntf_sig_1' }), signal());
    expect(result).toEqual({ outcome: 'sent' });
    const got = rx.received.at(-1)!;
    expect(got.failure).toBeUndefined();
    expect(got.headers['webhook-id']).toBe('ntf_sig_1');
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(got.headers.authorization).toBe('Bearer t0k');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.body).toMatchObject({
      version: '4', type: 'alert.trigger', notificationId: 'ntf_sig_1', status: 'firing', receiver: 'test/one', truncatedAlerts: 0,
      groupLabels: { alertname: 'HighErrorRate', service_name: 'checkout' }, severity: 'critical',
    });
    expect(got.body.alerts[0]).toMatchObject({
      status: 'firing', fingerprint: 'a1b2c3d4e5f60718', startsAt: '2026-01-02T03:04:05.000Z', endsAt: '0001-01-01T00:00:00Z', value: 0.1234567,
      traces: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', url: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736' }, expect.anything()],
    });
  });

  it('a tampered body, a wrong secret or a stale timestamp fails verification', async () => {
    await make().send(sampleNotification({ id: 'ntf_sig_2' }), signal());
    const got = rx.received.at(-1)!;
    expect(got.failure).toBeUndefined();
    const tampered = got.raw.replace('"critical"', '"info"');
    expect(tampered).not.toBe(got.raw);
    expect(verifyStandardWebhook(SECRET, got.headers, tampered)).toBe('no v1 signature matches');
    // the receiver itself answers 401 to the tampered body replayed with the original headers
    const h = got.headers;
    const replay = await fetch(rx.url, { method: 'POST', body: tampered, headers: {
      'content-type': 'application/json', 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']),
    } });
    expect(replay.status).toBe(401);
    expect(verifyStandardWebhook('whsec_' + Buffer.alloc(24, 7).toString('base64'), got.headers, got.raw)).toBe('no v1 signature matches');
    // an attempt stamped 10 minutes ago is refused by the receiver (401) and so rejected by the notifier
    const stale = await make(new FakeClock(Date.now() - 10 * 60_000)).send(sampleNotification({ id: 'ntf_sig_3' }), signal());
    expect(rx.received.at(-1)!.failure).toMatch(/outside the 300s tolerance/);
    expect(stale).toEqual({ outcome: 'rejected', detail: expect.stringMatching(/^HTTP 401: webhook-timestamp/) });
  });

  it('the webhook-id stays the same across two sends of one notification (retry), and differs for the resolve', async () => {
    rx.script(503);
    const n = sampleNotification({ id: 'ntf_retry_1' });
    const clock = new FakeClock(Date.now());
    const notifier = make(clock);
    expect(await notifier.send(n, signal())).toEqual({ outcome: 'retry', detail: 'HTTP 503' });
    await clock.advance(5_000);
    expect(await notifier.send(n, signal())).toEqual({ outcome: 'sent' });
    const [first, second] = rx.received.slice(-2);
    expect(first!.failure).toBeUndefined();
    expect(second!.failure).toBeUndefined();
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(Number(second!.headers['webhook-timestamp']) - Number(first!.headers['webhook-timestamp'])).toBe(5);
    expect(second!.duplicate).toBe(true);
    expect(await notifier.send(resolvedOf(n, Date.UTC(2026, 0, 2, 3, 9)), signal())).toEqual({ outcome: 'sent' });
    const resolved = rx.received.at(-1)!;
    expect(resolved.headers['webhook-id']).toBe('ntf_retry_1-resolved');
    expect(resolved.body).toMatchObject({ type: 'alert.resolve', status: 'resolved' });
    expect(resolved.body.alerts[0].endsAt).toBe('2026-01-02T03:09:00.000Z');
  });

  it('410 Gone is rejected with advice; max_alerts truncates and counts', async () => {
    rx.script(410);
    expect(await make().send(sampleNotification(), signal())).toEqual({ outcome: 'rejected', detail: expect.stringContaining('410 Gone') });
    expect(await make(undefined, { max_alerts: 1 }).send(sampleNotification(), signal())).toEqual({ outcome: 'sent' });
    expect(rx.received.at(-1)!.body).toMatchObject({ truncatedAlerts: 1, alerts: [expect.anything()] });
  });

  it('config: the secret must be whsec_ + base64 of 24–64 bytes, with a clear message; reserved headers refused', () => {
    const v = (secret: unknown, extra = {}) => webhookNotifierFactory.validate({ url: 'https://ops.example.com/hook', secret, ...extra });
    expect(v(SECRET)).toEqual([]);
    expect(v('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toEqual([{ path: 'secret', message: "must start with 'whsec_' followed by base64 (a Standard Webhooks secret)" }]);
    expect(v('whsec_not*base64!')).toEqual([{ path: 'secret', message: "after 'whsec_' must come standard base64 (A-Z a-z 0-9 + /, = padding)" }]);
    expect(v('whsec_' + Buffer.alloc(8).toString('base64'))).toEqual([{ path: 'secret', message: 'must encode 24 to 64 random bytes, got 8' }]);
    expect(v(undefined)).toEqual([{ path: 'secret', message: expect.stringContaining('is required') }]);
    expect(v(SECRET, { headers: { 'Webhook-Signature': 'x' } })).toEqual([{ path: 'headers.Webhook-Signature', message: 'is set by the notifier and cannot be overridden' }]);
    expect(webhookNotifierFactory.secrets).toEqual(['secret', 'headers']);
  });
});

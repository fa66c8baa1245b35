// The alertmanager notifier: postable alerts on the fake clock, and a real Alertmanager (Debian's
// prometheus-alertmanager) that lists the firing alert, then drops it once resolved.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../agent/clock.js';
import { startAlertmanager, type TestAlertmanager } from '../../test/kit/alertmanager.js';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { resolvedOf, sampleAlert, sampleNotification } from '../../test/kit/sample-notification.js';
import { until } from '../../test/kit/until.js';
import { alertmanagerNotifierFactory } from './index.js';
import { postableAlerts } from './postable-alerts.js';

const make = (config: Record<string, unknown>, clock: Clock = systemClock) =>
  alertmanagerNotifierFactory.create({ id: 'alertmanager/central', logger: pino({ level: 'silent' }), clock }, alertmanagerNotifierFactory.parse(config));
const signal = () => new AbortController().signal;

describe('alertmanager postable alerts', () => {
  it('firing alerts end 4 resend intervals ahead; resolved ones at their resolve time; the notifier asks for refreshes', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 10));
    const n = sampleNotification();
    const [a] = postableAlerts(n, clock.now(), 60_000);
    expect(a).toEqual({
      labels: { alertname: 'HighErrorRate', service_name: 'checkout', severity: 'critical' },
      annotations: {
        summary: 'checkout error ratio above 5%', description: 'error ratio is 0.12 over 5m', runbook_url: 'https://runbooks.example.com/high-error-rate',
        value: '0.1235', trace_ids: '4bf92f3577b34da6a3ce929d0e0e4736,0af7651916cd43dd8448eb211c80319c',
        trace_url: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736',
      },
      startsAt: '2026-01-02T03:04:05.000Z', endsAt: '2026-01-02T03:14:00.000Z',
      generatorURL: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736',
    });
    const [r] = postableAlerts(resolvedOf(n, Date.UTC(2026, 0, 2, 3, 8)), clock.now(), 60_000);
    expect(r!.endsAt).toBe('2026-01-02T03:08:00.000Z');
    const notifier = make({ url: 'http://127.0.0.1:1', resend_interval: '30s' }, clock);
    expect(notifier.refreshIntervalMs).toBe(30_000);
    expect(notifier.acknowledges).toBe(true);
  });

  it('label names Alertmanager refuses are made valid; empty values dropped; acknowledgement in annotations', () => {
    const n = sampleNotification({ alerts: [sampleAlert({
      labels: { 'service.name': 'checkout', '9lives': 'x', empty: '' },
      acknowledged: { by: 'alice', note: 'looking', at: Date.UTC(2026, 0, 2, 3, 7) },
    })] });
    const [a] = postableAlerts(n, Date.UTC(2026, 0, 2, 3, 10), 60_000);
    expect(a!.labels).toEqual({ service_name: 'checkout', _9lives: 'x', alertname: 'HighErrorRate', severity: 'critical' });
    expect(a!.annotations).toMatchObject({ acknowledged_by: 'alice', acknowledged_note: 'looking', acknowledged_at: '2026-01-02T03:07:00.000Z' });
  });

  it('sends basic auth or a bearer token; both at once is a config error; secrets listed', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const srv = createServer((req, res) => { seen.push(req.headers); req.resume(); req.on('end', () => res.writeHead(200).end()); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/prefix/`;
    try {
      expect(await make({ url, basic_auth: { username: 'am', password: 'pw' } }).send(sampleNotification(), signal())).toEqual({ outcome: 'sent' });
      expect(await make({ url, bearer_token: 't0k' }).send(sampleNotification(), signal())).toEqual({ outcome: 'sent' });
    } finally {
      srv.close();
    }
    expect(seen.map((h) => h.authorization)).toEqual([`Basic ${Buffer.from('am:pw').toString('base64')}`, 'Bearer t0k']);
    expect(alertmanagerNotifierFactory.validate({ url, bearer_token: 'a', basic_auth: { username: 'u', password: 'p' } }))
      .toEqual([{ path: 'bearer_token', message: 'set basic_auth or bearer_token, not both' }]);
    expect(alertmanagerNotifierFactory.validate({ url, resend_interval: '100ms' })).toEqual([{ path: 'resend_interval', message: 'must be at least 1s' }]);
    expect(alertmanagerNotifierFactory.secrets).toEqual(['basic_auth.password', 'bearer_token']);
    expect(alertmanagerNotifierFactory.createDefaultConfig()).toEqual({ url: '', resend_interval: 60_000 });
  });
});

describe('alertmanager notifier against a real Alertmanager', () => {
  let am: TestAlertmanager;
  beforeAll(async () => { am = await startAlertmanager(); });
  afterAll(async () => { await am?.stop(); });

  it('the firing alert is listed active at /api/v2/alerts, annotated on acknowledge, and gone once resolved', async () => {
    const now = Date.now();
    const n = sampleNotification({
      id: 'ntf_am_1',
      alerts: [
        sampleAlert({ startsAt: now - 120_000 }),
        sampleAlert({ id: 'b2', startsAt: now - 60_000, labels: { alertname: 'HighErrorRate', service_name: 'checkout', severity: 'critical', pod: 'checkout-2' }, traces: [] }),
      ],
    });
    const notifier = make({ url: am.url });
    expect(await notifier.send(n, signal())).toEqual({ outcome: 'sent' });

    const ours = async (q: Record<string, string | boolean> = {}) => (await am.alerts({ ...q, filter: 'alertname="HighErrorRate"' }));
    await until(async () => (await ours()).filter((a) => a.status.state === 'active').length === 2, 15_000, `two active alerts (log: ${am.log()})`);
    const listed = await ours();
    const first = listed.find((a) => !a.labels.pod)!;
    expect(first.labels).toEqual({ alertname: 'HighErrorRate', service_name: 'checkout', severity: 'critical' });
    expect(first.annotations).toMatchObject({ summary: 'checkout error ratio above 5%', value: '0.1235', trace_url: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(first.generatorURL).toBe('https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736');
    expect(Date.parse(first.startsAt)).toBe(now - 120_000);
    // endsAt 4 × the 1 m resend interval ahead: Alertmanager keeps it active while the agent refreshes
    expect(Date.parse(first.endsAt)).toBeGreaterThanOrEqual(now + 4 * 60_000);

    const acked = { ...n, id: 'ntf_am_ack', action: 'acknowledge' as const, alerts: n.alerts.map((a) => ({ ...a, acknowledged: { by: 'alice', note: 'on it', at: now } })) };
    expect(await notifier.send(acked, signal())).toEqual({ outcome: 'sent' });
    await until(async () => (await ours()).every((a) => a.annotations.acknowledged_by === 'alice'), 15_000, 'acknowledged annotation');
    expect((await ours()).filter((a) => a.status.state === 'active')).toHaveLength(2);

    expect(await notifier.send(resolvedOf(n, Date.now() - 1000), signal())).toEqual({ outcome: 'sent' });
    // Alertmanager lists no alert whose endsAt passed (api/v2 alertFilter): the resolve took effect,
    // long before the endsAt of the firing send (now + 4 m) would have expired it
    await until(async () => (await ours()).length === 0, 15_000, 'resolved alerts gone from /api/v2/alerts');
    expect(Date.now()).toBeLessThan(Date.parse(first.endsAt));
  });

  it('a wrong path is rejected with Alertmanager\'s answer; a stopped Alertmanager is a retry', async () => {
    const wrong = await make({ url: `${am.url}/nope` }).send(sampleNotification(), signal());
    expect(wrong).toMatchObject({ outcome: 'rejected', detail: expect.stringMatching(/^HTTP 404/) });
    const other = await startAlertmanager();
    await other.stop();
    expect(await make({ url: other.url }).send(sampleNotification(), signal())).toMatchObject({ outcome: 'retry', detail: expect.stringContaining('network error') });
  });
});

// PagerDuty Events API v2: events hold to the documented format (checked by a local /v2/enqueue),
// one stable dedup_key per group, severity mapping, and the outbox's retries on 429 and 5xx.
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification, Severity } from '../../agent/alerting/model.js';
import { notificationFor } from '../../test/kit/fake-notifier.js';
import { notifierHarness, type NotifierHarness } from '../../test/kit/saas/harness.js';
import { pagerdutyThrottled, startPagerduty, validatePagerdutyEvent } from '../../test/kit/saas/pagerduty.js';
import type { SaasServer } from '../../test/kit/saas/server.js';
import { dedupKeyOf, pagerdutyEvent } from './format.js';
import { pagerdutyNotifierFactory } from './index.js';

const KEY = 'R0123456789abcdefABCDEF012345678';
const full = (n: Omit<Notification, 'id' | 'createdAt'>): Notification => ({ ...n, id: 'n-1', createdAt: Date.UTC(2026, 0, 1, 0, 5) });

describe('pagerduty event format', () => {
  it('a trigger carries summary, source, mapped severity, timestamp, custom_details and trace links', () => {
    const n = full(notificationFor('pagerduty/primary', 'checkout'));
    const e = pagerdutyEvent(n, KEY) as any;
    expect(validatePagerdutyEvent(e)).toEqual([]);
    expect(e).toMatchObject({ routing_key: KEY, event_action: 'trigger', dedup_key: dedupKeyOf(n.groupKey), client: 'Outrider' });
    expect(e.payload).toMatchObject({ source: 'checkout', severity: 'critical', component: 'checkout', class: 'HighErrorRate', timestamp: '2026-01-01T00:00:00.000Z' });
    expect(e.payload.summary).toBe('[FIRING:1] HighErrorRate service_name=checkout: error ratio of checkout above 5%');
    expect(e.payload.custom_details.alerts[0]).toMatchObject({ name: 'HighErrorRate', value: 0.12, trace_ids: ['4bf92f3577b34da6a3ce929d0e0e4736'] });
    expect(e.links).toEqual([
      { href: 'https://runbooks.example.com/high-error-rate', text: 'Runbook' },
      { href: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736', text: 'Trace 4bf92f3577b34da6a3ce929d0e0e4736' },
    ]);
  });

  it('maps severities critical→critical, high→error, medium→warning, low and info→info', () => {
    const got = (['critical', 'high', 'medium', 'low', 'info'] as Severity[]).map((severity) => (pagerdutyEvent({ ...full(notificationFor('p', 'g')), severity }, KEY) as any).payload.severity);
    expect(got).toEqual(['critical', 'error', 'warning', 'info', 'info']);
  });

  it('acknowledge and resolve send only routing_key, dedup_key and event_action, with the trigger’s dedup_key', () => {
    const trigger = pagerdutyEvent(full(notificationFor('p', 'checkout')), KEY);
    for (const action of ['acknowledge', 'resolve'] as const) {
      const e = pagerdutyEvent(full(notificationFor('p', 'checkout', action)), KEY);
      expect(validatePagerdutyEvent(e)).toEqual([]);
      expect(e).toEqual({ routing_key: KEY, dedup_key: trigger.dedup_key, event_action: action });
    }
    expect(String(trigger.dedup_key).length).toBeLessThanOrEqual(255);
    expect(dedupKeyOf('a')).not.toBe(dedupKeyOf('b'));
  });

  it('cuts the summary to 1024 characters and stays under 512 KB', () => {
    const n = full(notificationFor('p', 'checkout'));
    n.commonAnnotations = { summary: '€'.repeat(3000) };
    n.alerts = Array.from({ length: 3000 }, (_, i) => ({ ...n.alerts[0]!, id: `a${i}`, annotations: { summary: 's'.repeat(300) } }));
    const e = pagerdutyEvent(n, KEY) as any;
    expect(validatePagerdutyEvent(e)).toEqual([]);
    expect([...e.payload.summary]).toHaveLength(1024);
  });

  it('the validator catches what PagerDuty refuses', () => {
    expect(validatePagerdutyEvent({ routing_key: 'short', event_action: 'fire' })).toEqual([
      '$.routing_key: expected a 32-character integration key', '$.event_action: expected one of trigger|acknowledge|resolve, got "fire"', '$.dedup_key: missing',
    ]);
    expect(validatePagerdutyEvent({ routing_key: KEY, event_action: 'trigger', payload: { summary: 'x'.repeat(1025), severity: 'high', extra: 1 } })).toEqual([
      '$.payload.extra: unknown key', '$.payload.summary: longer than 1024 (1025)', '$.payload.source: missing',
      '$.payload.severity: expected one of critical|error|warning|info, got "high"',
    ]);
    expect(validatePagerdutyEvent({ routing_key: KEY, event_action: 'resolve', dedup_key: 'k', payload: {} })).toEqual(['$: resolve takes only routing_key, dedup_key and event_action']);
  });

  it('the config refuses a malformed routing key without quoting it', () => {
    const problems = pagerdutyNotifierFactory.validate({ routing_key: 'not-a-key-SECRET' });
    expect(problems).toEqual([{ path: 'routing_key', message: 'must be the 32-character integration key' }]);
    expect(pagerdutyNotifierFactory.parse({ routing_key: KEY }).events_url).toBe('https://events.pagerduty.com/v2/enqueue');
  });
});

describe('pagerduty notifier against a local Events API', () => {
  let pd: SaasServer;
  let h: NotifierHarness;
  const start = async () => {
    pd = await startPagerduty();
    h = await notifierHarness([pagerdutyNotifierFactory], { 'pagerduty/primary': { routing_key: KEY, events_url: `${pd.url}/v2/enqueue` } }, { random: () => 0 });
  };
  const stats = () => h.hub.stats()[0]!;
  afterEach(async () => { await h?.stop(); await pd?.close(); });

  it('triggers, acknowledges and resolves one incident: one dedup_key, in order, every field valid', async () => {
    await start();
    expect(h.hub.acknowledges('pagerduty/primary')).toBe(true);
    for (const action of ['trigger', 'acknowledge', 'resolve'] as const) h.hub.enqueue(notificationFor('pagerduty/primary', 'checkout', action));
    for (let i = 1; i <= 3; i++) {
      await h.advance(500);
      await h.waitFor(() => stats().sent === i, `event ${i}`);
    }
    expect(pd.problems()).toEqual([]);
    const bodies = pd.accepted().map((r) => r.body as { event_action: string; dedup_key: string });
    expect(bodies.map((b) => b.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(new Set(bodies.map((b) => b.dedup_key)).size).toBe(1);
    expect(h.hub.outboxRows().map((r) => r.lastError)).toEqual(Array(3).fill(`dedup_key ${bodies[0]!.dedup_key}`));
  });

  it('after a 429 without Retry-After waits 30 s; with Retry-After waits as told', async () => {
    await start();
    pd.failNext(1, pagerdutyThrottled);
    pd.failNext(1, { ...pagerdutyThrottled, headers: { 'retry-after': '90' } });
    h.hub.enqueue(notificationFor('pagerduty/primary', 'checkout'));
    const row = () => h.hub.outboxRows()[0]!;
    await h.advance(0);
    await h.waitFor(() => row().state === 'pending', 'the first 429');
    await h.advance(29_999);
    expect(row().attempts).toBe(1);
    await h.advance(1);
    await h.waitFor(() => row().attempts === 2 && row().state === 'pending', 'the second 429');
    await h.advance(89_999);
    expect(row().attempts).toBe(2);
    await h.advance(1);
    await h.waitFor(() => row().state === 'sent', 'delivery');
    expect(pd.requests.map((r) => r.status)).toEqual([429, 429, 202]);
    expect(pd.problems()).toEqual([]);
  });

  it('retries 5xx; a 400 is final', async () => {
    await start();
    pd.failNext(2, { status: 500, body: { status: 'error' } });
    h.hub.enqueue(notificationFor('pagerduty/primary', 'checkout'));
    await h.advance(0);
    for (let i = 0; i < 3 && stats().sent === 0; i++) { await h.waitFor(() => h.hub.outboxRows()[0]!.state !== 'sending', 'an answer'); await h.advance(500); }
    await h.waitFor(() => stats().sent === 1, 'delivery after two 500s');
    pd.failNext(1, { status: 400, body: { status: 'invalid event', message: 'Event object is invalid' } });
    h.hub.enqueue(notificationFor('pagerduty/primary', 'payments'));
    await h.advance(500);
    await h.waitFor(() => stats().rejected === 1, 'the 400');
    await h.advance(3_600_000);
    expect(pd.requests.map((r) => r.status)).toEqual([500, 500, 202, 400]);
    expect(h.hub.outboxRows({ state: 'rejected' })[0]!.lastError).toContain('Event object is invalid');
  });
});

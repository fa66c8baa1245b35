// Opsgenie Alert API: create / acknowledge / close by alias hold to the documented format (checked by
// a local API with GenieKey auth), priorities, limits, regions, and the outbox's retries.
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification, Severity } from '../../agent/alerting/model.js';
import { notificationFor } from '../../test/kit/fake-notifier.js';
import { notifierHarness, type NotifierHarness } from '../../test/kit/saas/harness.js';
import { opsgenieOperation, startOpsgenie, validateOpsgenieAction, validateOpsgenieCreate } from '../../test/kit/saas/opsgenie.js';
import type { SaasServer } from '../../test/kit/saas/server.js';
import { opsgenieBaseUrl, opsgenieConfig } from './config.js';
import { aliasOf, opsgenieRequest } from './format.js';
import { opsgenieNotifierFactory } from './index.js';

const KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';
const full = (n: Omit<Notification, 'id' | 'createdAt'>): Notification => ({ ...n, id: 'n-1', createdAt: Date.UTC(2026, 0, 1, 0, 5) });
const cfg = opsgenieConfig.parse({ api_key: KEY, responders: [{ type: 'team', name: 'sre' }], tags: ['prod'] });

describe('opsgenie request format', () => {
  it('a trigger creates an alert: message, alias from the group key, priority, tags, details, description, entity', () => {
    const n = full(notificationFor('opsgenie/ops', 'checkout'));
    const r = opsgenieRequest(n, cfg);
    expect(r.path).toBe('/v2/alerts');
    expect(validateOpsgenieCreate(r.body)).toEqual([]);
    expect(r.body).toMatchObject({
      message: '[FIRING:1] HighErrorRate service_name=checkout: error ratio of checkout above 5%', alias: aliasOf(n.groupKey),
      priority: 'P1', source: 'Outrider', entity: 'checkout', responders: [{ type: 'team', name: 'sre' }],
      tags: ['outrider', 'critical', 'HighErrorRate', 'checkout', 'prod'],
    });
    expect(r.body.details).toMatchObject({ severity: 'critical', runbook_url: 'https://runbooks.example.com/high-error-rate', trace_1: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(r.body.description).toContain('Trace 4bf92f3577b34da6a3ce929d0e0e4736: https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('maps severities to P1–P5', () => {
    const got = (['critical', 'high', 'medium', 'low', 'info'] as Severity[]).map((severity) => opsgenieRequest({ ...full(notificationFor('o', 'g')), severity }, cfg).body.priority);
    expect(got).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
  });

  it('resolve closes and acknowledge acknowledges the alert by alias', () => {
    const n = full(notificationFor('opsgenie/ops', 'checkout', 'acknowledge'));
    n.alerts[0]!.acknowledged = { by: 'alice', note: 'looking', at: n.createdAt };
    const ack = opsgenieRequest(n, cfg);
    expect(ack).toEqual({ path: `/v2/alerts/${aliasOf(n.groupKey)}/acknowledge?identifierType=alias`, body: { user: 'alice', source: 'Outrider', note: 'Acknowledged in Outrider: looking' } });
    const close = opsgenieRequest(full(notificationFor('opsgenie/ops', 'checkout', 'resolve')), cfg);
    expect(close.path).toBe(`/v2/alerts/${aliasOf(n.groupKey)}/close?identifierType=alias`);
    expect(validateOpsgenieAction(close.body)).toEqual([]);
  });

  it('keeps message ≤ 130, tags ≤ 20 × 50, details ≤ 8000, description ≤ 15000', () => {
    const n = full(notificationFor('opsgenie/ops', 'checkout'));
    n.commonAnnotations = { summary: '€'.repeat(500), description: 'd'.repeat(20_000) };
    n.commonLabels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`label_${i}`, 'v'.repeat(500)]));
    const r = opsgenieRequest(n, opsgenieConfig.parse({ api_key: KEY, tags: Array.from({ length: 10 }, (_, i) => `t${i}`) }));
    expect(validateOpsgenieCreate(r.body)).toEqual([]);
    expect([...(r.body.message as string)]).toHaveLength(130);
  });

  it('picks the region’s endpoint unless api_url overrides it', () => {
    expect(opsgenieBaseUrl(opsgenieConfig.parse({ api_key: KEY }))).toBe('https://api.opsgenie.com');
    expect(opsgenieBaseUrl(opsgenieConfig.parse({ api_key: KEY, region: 'eu' }))).toBe('https://api.eu.opsgenie.com');
    expect(opsgenieBaseUrl(opsgenieConfig.parse({ api_key: KEY, region: 'eu', api_url: 'http://127.0.0.1:9/' }))).toBe('http://127.0.0.1:9');
    expect(opsgenieConfig.validate({ api_key: KEY, region: 'asia' })).toEqual([expect.objectContaining({ path: 'region' })]);
  });

  it('the validator catches what Opsgenie refuses', () => {
    expect(validateOpsgenieCreate({ message: 'm'.repeat(131), priority: 'P0', tags: ['x'.repeat(51)], details: { a: 1 }, responders: [{ type: 'group', name: 'x' }] })).toEqual([
      '$.message: longer than 130 (131)', '$.responders[0].type: expected one of team|user|escalation|schedule, got "group"',
      '$.tags[0]: longer than 50 (51)', '$.details.a: values must be strings', '$.priority: expected one of P1|P2|P3|P4|P5, got "P0"',
    ]);
  });
});

describe('opsgenie notifier against a local Alert API', () => {
  let og: SaasServer;
  let h: NotifierHarness;
  const start = async (key = KEY) => {
    og = await startOpsgenie(KEY);
    h = await notifierHarness([opsgenieNotifierFactory], { 'opsgenie/ops': { api_key: key, region: 'eu', api_url: og.url } }, { random: () => 0 });
  };
  const stats = () => h.hub.stats()[0]!;
  afterEach(async () => { await h?.stop(); await og?.close(); });

  it('creates, acknowledges and closes one alert by its alias, every field valid', async () => {
    await start();
    for (const action of ['trigger', 'acknowledge', 'resolve'] as const) h.hub.enqueue(notificationFor('opsgenie/ops', 'checkout', action));
    await h.advance(0);
    await h.waitFor(() => stats().sent === 3, 'three requests');
    expect(og.problems()).toEqual([]);
    const ops = og.accepted().map((r) => opsgenieOperation(r)!);
    expect(ops.map((o) => o.op)).toEqual(['create', 'acknowledge', 'close']);
    expect(new Set(ops.map((o) => o.alias)).size).toBe(1);
    expect(h.hub.outboxRows()[0]!.lastError).toMatch(/^requestId [0-9a-f-]{36}$/);
  });

  it('retries a 429 after its Retry-After and 5xx with backoff', async () => {
    await start();
    og.failNext(1, { status: 429, headers: { 'retry-after': '10' }, body: { message: 'Rate limit', took: 0, requestId: 'r' } });
    og.failNext(1, { status: 503, body: 'unavailable' });
    h.hub.enqueue(notificationFor('opsgenie/ops', 'checkout'));
    const row = () => h.hub.outboxRows()[0]!;
    await h.advance(0);
    await h.waitFor(() => row().state === 'pending', 'the 429');
    await h.advance(9_999);
    expect(row().attempts).toBe(1);
    await h.advance(1);
    await h.waitFor(() => row().state === 'sent', 'the retries');
    expect(og.requests.map((r) => r.status)).toEqual([429, 503, 202]);
  });

  it('a wrong key is refused (401) once, not retried, and the key never shows', async () => {
    await start('wrong-key-SECRET');
    h.hub.enqueue(notificationFor('opsgenie/ops', 'checkout'));
    await h.advance(0);
    await h.waitFor(() => stats().rejected === 1, 'the 401');
    await h.advance(3_600_000);
    expect(og.requests.map((r) => r.status)).toEqual([401]);
    expect(h.hub.outboxRows()[0]!.lastError).toContain('Could not authenticate');
    expect(JSON.stringify(h.hub.channels())).not.toContain('wrong-key-SECRET');
  });
});

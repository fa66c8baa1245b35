// Every admin route through fastify's inject: answers, schema rejections naming the field (400),
// unknown ids (404), services not configured (503).
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAdmin, sloStatus, type TestAdmin } from '../../test/kit/admin-app.js';
import { SloStore } from '../../processors/slo/slo-store.js';
import { Rollups } from '../../processors/cost/rollups.js';

let t: TestAdmin;
afterEach(async () => { await t?.close(); });

async function call(method: string, url: string, payload?: unknown) {
  const r = await t.app.inject({ method: method as 'GET', url, headers: t.auth, payload: payload as object });
  return { status: r.statusCode, body: r.body === '' ? null : r.json() };
}

describe('status', () => {
  it('gives version, uptime, pipelines, component status and counters with rates', async () => {
    t = await startTestAdmin();
    const accepted = t.settings.meter.createCounter('outrider_receiver_accepted_spans');
    accepted.add(10, { receiver: 'otlp', transport: 'grpc' });
    await t.settings.clock.advance(10_000);
    accepted.add(50, { receiver: 'otlp', transport: 'grpc' });
    const { status, body } = await call('GET', '/api/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({ version: '0.0.0-test', uptimeSeconds: 10, pipelines: [{ name: 'traces', processors: ['slo'] }] });
    expect(body.components).toContainEqual(expect.objectContaining({ id: 'exporter:otlp/jaeger', status: 'degraded', reason: 'peer unavailable' }));
    const c = body.counters.find((x: { name: string }) => x.name === 'outrider_receiver_accepted_spans_total');
    expect(c).toMatchObject({ labels: { receiver: 'otlp', transport: 'grpc' }, value: 60 });
    expect(c.perSecond).toBeGreaterThan(0);
  });
});

describe('slos', () => {
  it('lists SLOs with burn rates, gives one with bad trace ids, 404 for an unknown name', async () => {
    t = await startTestAdmin();
    const list = await call('GET', '/api/slos');
    expect(list.body[0]).toMatchObject({ name: 'checkout-availability', objective: 0.99, errorBudgetRemaining: 0.7, exhaustionSeconds: null, burnRates: { '5m': 2, '3d': 0.4 } });
    expect((await call('GET', '/api/slos/checkout-availability')).body.badTraceIds).toEqual(['0af7651916cd43dd8448eb211c80319c']);
    expect(await call('GET', '/api/slos/nope')).toEqual({ status: 404, body: { error: 'NOT_FOUND', message: "no SLO named 'nope'" } });
  });

  it('computes the budget history from the minute buckets in SQLite, ending with the live value', async () => {
    t = await startTestAdmin({ slos: [sloStatus('a', { objective: 0.9, window: '1d', errorBudgetRemaining: 0.5 })] });
    await t.settings.clock.advance(30_000); // mid-minute: the sample of the current minute is before now
    const now = Math.floor(t.settings.clock.now() / 60_000);
    // 100 events a minute for the last 60 minutes; 20 bad in the last 30: budget falls from 1 to 1 − (600/6000)/0.1 = 0
    new SloStore(t.settings.store).flush(new Map([['a', new Map(Array.from({ length: 60 }, (_, i) => [now - 59 + i, [i >= 30 ? 80 : 100, 100] as [number, number]]))]]), new Map(), t.settings.clock.now());
    const h = await call('GET', '/api/slos/a/history?range=1h&points=61');
    expect(h.status).toBe(200);
    const pts = h.body.points as Array<{ at: number; errorBudgetRemaining: number }>;
    expect(pts[0]!.errorBudgetRemaining).toBe(1);
    expect(pts.at(-2)!.errorBudgetRemaining).toBeCloseTo(0, 6);
    expect(pts.at(-1)).toEqual({ at: t.settings.clock.now(), errorBudgetRemaining: 0.5 });
    expect((await call('GET', '/api/slos/a/history?range=2y')).body.message).toBe('querystring.range must be one of 1h, 6h, 1d, 7d, 30d');
    expect((await call('GET', '/api/slos/zz/history')).status).toBe(404);
  });
});

describe('alerts', () => {
  it('lists by state, triggers, acknowledges, resolves, counts; 404 for unknown ids', async () => {
    t = await startTestAdmin();
    const firing = t.alerting.raise({ name: 'HighErrorRate', labels: { service_name: 'checkout' }, traceIds: ['abc'] });
    t.alerting.raise({ name: 'Slow', state: 'pending' });
    expect((await call('GET', '/api/alerts?state=firing')).body.map((a: { id: string }) => a.id)).toEqual([firing.id]);
    expect((await call('GET', '/api/alerts')).body).toHaveLength(2);
    expect((await call('GET', `/api/alerts/${firing.id}`)).body.traceIds).toEqual(['abc']);
    const manual = await call('POST', '/api/alerts', { name: 'Manual', severity: 'info', labels: { team: 'a' } });
    expect(manual).toMatchObject({ status: 201, body: { name: 'Manual', state: 'firing', source: 'manual' } });
    expect(await call('POST', `/api/alerts/${firing.id}/ack`, { note: 'mine' })).toMatchObject({ status: 200, body: { state: 'acknowledged', acknowledged: { by: 'admin', note: 'mine' } } });
    expect((await call('POST', `/api/alerts/${firing.id}/resolve`)).body.state).toBe('resolved');
    expect((await call('GET', '/api/alerts/stats')).body.byState).toEqual({ pending: 1, firing: 1, acknowledged: 0, resolved: 1 });
    for (const url of ['/api/alerts/ffff/ack', '/api/alerts/ffff/resolve']) expect(await call('POST', url)).toEqual({ status: 404, body: { error: 'NOT_FOUND', message: "no alert with id 'ffff'" } });
    expect((await call('GET', '/api/alerts/ffff')).status).toBe(404);
  });

  it('rejects bad input naming the field', async () => {
    t = await startTestAdmin();
    expect((await call('GET', '/api/alerts?state=burning')).body).toEqual({ error: 'INVALID_DATA', message: 'querystring.state must be one of pending, firing, acknowledged, resolved' });
    expect((await call('POST', '/api/alerts', { name: 'x' })).body.message).toBe('body.severity is required');
    expect((await call('POST', '/api/alerts', { name: 'x', severity: 'huge' })).body.message).toBe('body.severity must be one of critical, high, medium, low, info');
    expect((await call('POST', '/api/alerts', { name: 'x', severity: 'low', colour: 'red' })).body.message).toBe('body.colour is not a known field');
    expect((await call('POST', '/api/alerts', { name: 'x', severity: 'low', labels: { a: { b: 1 } } })).body.message).toBe('body.labels.a must be string');
    const bad = await t.app.inject({ method: 'POST', url: '/api/alerts', headers: { ...t.auth, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('INVALID_DATA');
    const big = await t.app.inject({ method: 'POST', url: '/api/alerts', headers: t.auth, payload: { name: 'x'.repeat(70_000), severity: 'low' } });
    expect(big.statusCode).toBe(413);
    const type = await t.app.inject({ method: 'POST', url: '/api/alerts', headers: { ...t.auth, 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(type.statusCode).toBe(415);
  });
});

describe('alert rules', () => {
  const rule = { name: 'HighLatency', metric: 'span_p99', labels: { service_name: 'checkout' }, window: '5m', operator: 'gt', threshold: 0.5, for: '1m', severity: 'high' };

  it('lists rules with their source; creates, replaces and deletes API rules; protects file rules', async () => {
    t = await startTestAdmin({ fileRules: [{ name: 'FromFile', metric: 'm', threshold: 1 }] });
    const created = await call('POST', '/api/alert-rules', rule);
    expect(created).toMatchObject({ status: 201, body: { source: 'api', rule } });
    const id = created.body.id as string;
    expect((await call('GET', '/api/alert-rules')).body.map((r: { id: string; source: string }) => [r.id, r.source])).toEqual([['FromFile', 'file'], [id, 'api']]);
    expect((await call('PUT', `/api/alert-rules/${id}`, { ...rule, threshold: 0.8 })).body.rule.threshold).toBe(0.8);
    expect(await call('PUT', '/api/alert-rules/FromFile', rule)).toMatchObject({ status: 409, body: { error: 'CONFLICT' } });
    expect((await call('DELETE', '/api/alert-rules/FromFile')).status).toBe(409);
    expect((await call('DELETE', `/api/alert-rules/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/alert-rules/${id}`)).status).toBe(404);
    expect((await call('PUT', '/api/alert-rules/nope', rule)).body).toEqual({ error: 'NOT_FOUND', message: "no alert rule with id 'nope'" });
  });

  it('answers 400 with the engine\'s message for a rule the file would refuse', async () => {
    t = await startTestAdmin();
    expect(await call('POST', '/api/alert-rules', { ...rule, operator: 'above' })).toEqual({ status: 400, body: { error: 'INVALID_DATA', message: "alerting.rules: operator must be one of gt, gte, lt, lte, eq, ne, got 'above'" } });
    expect((await call('POST', '/api/alert-rules', { ...rule, threshold: 'high' })).body.message).toBe('body.threshold must be number');
    expect((await call('POST', '/api/alert-rules', { metric: 'x' })).body.message).toBe('body.name is required');
  });
});

describe('channels', () => {
  it('lists channels redacted; creates, replaces, deletes, tests API channels; protects file channels', async () => {
    t = await startTestAdmin({ fileChannels: { 'slack/oncall': { webhook_url: 'https://hooks.slack.com/services/T0/B0/SECRETSECRET' } } });
    expect((await call('GET', '/api/channels')).body).toEqual([{ id: 'slack/oncall', type: 'slack', config: { webhook_url: '<redacted>' }, source: 'file' }]);
    const made = await call('POST', '/api/channels', { id: 'pagerduty/primary', config: { routing_key: 'R0UTINGKEY0123456789' } });
    expect(made).toMatchObject({ status: 201, body: { id: 'pagerduty/primary', config: { routing_key: '<redacted>' }, source: 'api' } });
    expect((await call('POST', '/api/channels', { id: 'pagerduty/primary', config: {} })).status).toBe(409);
    expect((await call('PUT', '/api/channels/pagerduty%2Fprimary', { routing_key: 'OTHERKEY0123456789' })).status).toBe(200);
    expect((await call('PUT', '/api/channels/slack%2Foncall', { webhook_url: 'x' })).status).toBe(409);
    expect((await call('PUT', '/api/channels/slack%2Fnone', {})).status).toBe(404);
    expect(await call('POST', '/api/channels/pagerduty%2Fprimary/test')).toEqual({ status: 200, body: { outcome: 'sent' } });
    expect(t.notifiers.tested).toEqual(['pagerduty/primary']);
    expect((await call('POST', '/api/channels/slack%2Fnone/test')).status).toBe(404);
    expect((await call('DELETE', '/api/channels/pagerduty%2Fprimary')).status).toBe(204);
    expect((await call('DELETE', '/api/channels/slack%2Foncall')).status).toBe(409);
    expect((await call('POST', '/api/channels', { id: 'fax/x', config: {} })).body).toEqual({ error: 'INVALID_DATA', message: "notifiers.fax/x: unknown notifier type 'fax'" });
    expect((await call('POST', '/api/channels', { id: 'no-slash', config: {} })).body.message).toBe('body.id must match pattern "^[a-z][a-z0-9_]*/[A-Za-z0-9][-A-Za-z0-9_.]*$"');
  });
});

describe('silences', () => {
  it('creates (createdBy = token name), lists and deletes; refuses past ends and bad regexes', async () => {
    t = await startTestAdmin();
    const endsAt = t.settings.clock.now() + 3_600_000;
    const s = await call('POST', '/api/silences', { matchers: [{ name: 'alertname', value: 'High.*', isRegex: true }], endsAt, comment: 'deploy' });
    expect(s).toMatchObject({ status: 201, body: { createdBy: 'admin', endsAt, matchers: [{ name: 'alertname', value: 'High.*', isRegex: true, isEqual: true }] } });
    expect((await call('GET', '/api/silences')).body).toHaveLength(1);
    expect((await call('POST', '/api/silences', { matchers: [{ name: 'a', value: 'b' }], endsAt: 1, comment: 'c' })).body.message).toBe('body.endsAt must be in the future (epoch ms), got 1');
    expect((await call('POST', '/api/silences', { matchers: [{ name: 'a', value: '(' , isRegex: true }], endsAt, comment: 'c' })).body.message).toMatch(/^body\.matchers\.0\.value is not a valid regular expression/);
    expect((await call('POST', '/api/silences', { matchers: [], endsAt, comment: 'c' })).body.message).toBe('body.matchers must NOT have fewer than 1 items');
    expect((await call('DELETE', `/api/silences/${s.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/silences/${s.body.id}`)).status).toBe(404);
  });
});

describe('costs', () => {
  it('groups the stored rollups by service, model or attribution key over a window', async () => {
    t = await startTestAdmin();
    const r = new Rollups(90 * 86_400_000);
    r.open(t.settings.store);
    const now = t.settings.clock.now();
    r.add(now, 'checkout', 'llm', 'gpt-4o', '', '', 1.5, 10, 0);
    r.add(now, 'checkout', 'compute', '', '', '', 0.5, 10, 0);
    r.add(now, 'search', 'llm', 'mystery', '', '', 0, 4, 4);
    r.add(now, 'checkout', 'llm', 'gpt-4o', 'team', 'payments', 1.5, 10, 0);
    r.add(now - 3 * 86_400_000, 'old', 'llm', 'gpt-4o', '', '', 100, 1, 0);
    r.flush(now);
    const bySvc = await call('GET', '/api/costs?groupBy=service&window=1d');
    expect(bySvc.body).toMatchObject({ groupBy: 'service', window: '1d', period: 'hour', usd: 2, unpricedSpans: 4 });
    expect(bySvc.body.groups).toEqual([
      { key: 'checkout', usd: 2, spans: 10, unpricedSpans: 0, byKind: { llm: 1.5, compute: 0.5 }, points: [{ start: Math.floor(now / 3_600_000) * 3_600_000, usd: 2 }] },
      expect.objectContaining({ key: 'search', usd: 0, unpricedSpans: 4 }),
    ]);
    expect((await call('GET', '/api/costs?groupBy=service&window=30d')).body.usd).toBe(102);
    expect((await call('GET', '/api/costs?groupBy=model&window=1h')).body.groups.map((g: { key: string }) => g.key)).toEqual(['gpt-4o', '', 'mystery']);
    expect((await call('GET', '/api/costs?groupBy=team')).body.groups).toEqual([expect.objectContaining({ key: 'payments', usd: 1.5 })]);
    expect((await call('GET', '/api/costs?window=2w')).body.message).toBe('querystring.window must be one of 1h, 1d, 30d');
  });

  it('answers 503 when no cost processor stores rollups', async () => {
    t = await startTestAdmin();
    expect((await call('GET', '/api/costs')).body.error).toBe('NOT_CONFIGURED');
  });
});

describe('metrics', () => {
  it('captures points into the signals service and /metrics, and summarizes them over a window', async () => {
    t = await startTestAdmin();
    for (const v of [10, 20, 30, 40, 100]) expect((await call('POST', '/api/metrics', { name: 'checkout_ms', value: v, unit: 'ms', labels: { region: 'eu' } })).status).toBe(202);
    const s = await call('GET', '/api/metrics/checkout_ms?window=5m');
    expect(s.body).toMatchObject({ name: 'checkout_ms', signal: 'custom_checkout_ms', unit: 'ms', count: 5, min: 10, max: 100, avg: 40 });
    expect(s.body.p50).toBeGreaterThan(15);
    expect(s.body.p99).toBeLessThanOrEqual(100);
    expect(t.settings.signals.increase('custom_checkout_ms', { region: 'eu' }, 60_000)).toBe(5);
    expect(await t.settings.render()).toContain('custom_checkout_ms_count{region="eu"} 5');
    expect((await call('POST', '/api/metrics', { name: 'checkout_ms', value: 1, labels: { zone: 'a' } })).body.message).toBe("body.labels must have the keys [region] as the first point of 'checkout_ms' had, got [zone]");
  });

  it('rejects bad names, values and windows; 404 for an unknown metric', async () => {
    t = await startTestAdmin();
    expect((await call('POST', '/api/metrics', { name: 'bad-name', value: 1 })).body.message).toBe('body.name must match pattern "^[a-zA-Z_][a-zA-Z0-9_]{0,99}$"');
    expect((await call('POST', '/api/metrics', { name: 'x', value: 'one' })).body.message).toBe('body.value must be number');
    expect((await call('POST', '/api/metrics', { name: 'x' })).body.message).toBe('body.value is required');
    expect((await call('POST', '/api/metrics', { name: 'x', value: 1, labels: { 'a-b': 'c' } })).body.message).toMatch(/^body\.labels: 'a-b' is not a valid label name/);
    expect((await call('GET', '/api/metrics/unknown')).status).toBe(404);
    await call('POST', '/api/metrics', { name: 'x', value: 1 });
    expect((await call('GET', '/api/metrics/x?window=2h')).body.message).toBe("querystring.window must be more than 0 and at most the signals retention (3600s), got '2h'");
  });
});

describe('config, reload and audit', () => {
  it('reloads as SIGHUP does and records it', async () => {
    t = await startTestAdmin();
    expect((await call('POST', '/api/config/reload')).body).toMatchObject({ outcome: 'ok', problems: [] });
    expect(t.reloads).toBe(1);
    expect((await call('GET', '/api/audit?limit=1')).body[0]).toMatchObject({ who: 'admin', action: 'config.reload', target: 'ok' });
    expect((await call('GET', '/api/audit?limit=0')).body.message).toBe('querystring.limit must be >= 1');
  });
});

describe('services not configured', () => {
  it('answers 503 naming the config section', async () => {
    t = await startTestAdmin({ without: ['alerting', 'notifiers', 'slo'] });
    expect(await call('GET', '/api/alerts')).toEqual({ status: 503, body: { error: 'NOT_CONFIGURED', message: "the alerting service is not configured in this agent (config section 'alerting')" } });
    expect((await call('GET', '/api/channels')).body.message).toBe("the notifiers service is not configured in this agent (config section 'notifiers')");
    expect((await call('GET', '/api/slos')).status).toBe(503);
    expect((await call('GET', '/api/silences')).status).toBe(503);
    expect((await call('GET', '/api/alert-rules')).status).toBe(503);
  });
});

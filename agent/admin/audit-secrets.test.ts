// Changes through the API are audited (who, what, before/after) with secrets redacted; a config full
// of webhook URLs, routing keys and SMTP passwords shows none of them in /api/config, /api/channels,
// the audit log, the console or the logs.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, OPS_TOKEN, startTestAdmin, type TestAdmin } from '../../test/kit/admin-app.js';
import { fakeNotifierFactories } from '../../test/kit/fake-notifiers.js';
import { redactConfig } from './redact.js';

let t: TestAdmin;
afterEach(async () => { await t?.close(); });

const SECRETS = {
  slack: 'https://hooks.slack.com/services/T000/B000/XXXXSLACKSECRET',
  teams: 'https://example.webhook.office.com/webhookb2/TEAMSSECRET0001',
  routing: 'R0UTINGKEY00000000000000000000PD',
  smtp: 'smtp-pass-word-9876543210',
  opsgenie: 'opsgenie-api-key-0000-1111',
  webhook: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  newSlack: 'https://hooks.slack.com/services/T111/B111/NEWSLACKSECRET',
  ruleHook: 'https://hooks.example.com/rule-token-ABCDEF0123',
};

const tree = {
  notifiers: {
    'slack/oncall': { webhook_url: SECRETS.slack },
    'teams/dev': { webhook_url: SECRETS.teams },
    'pagerduty/primary': { routing_key: SECRETS.routing },
    'opsgenie/ops': { api_key: SECRETS.opsgenie, region: 'eu' },
    'email/team': { smtp: { host: 'smtp.example.com', port: 587, username: 'alerts', password: SECRETS.smtp }, from: 'alerts@example.com', to: ['team@example.com'] },
    'webhook/ops': { url: 'https://ops.example.com/hook', secret: SECRETS.webhook },
  },
  alerting: { trace_url_template: 'https://jaeger.example.com/trace/{trace_id}' },
  admin: { endpoint: '127.0.0.1:13133', token: ADMIN_TOKEN, tokens: [{ name: 'ops', token: OPS_TOKEN }] },
};
const ALL = [...Object.values(SECRETS), ADMIN_TOKEN, OPS_TOKEN];

function leaks(text: string): string[] {
  return ALL.filter((s) => text.includes(s));
}

describe('audit', () => {
  it('records a rule changed through the API: who, what, before and after, secrets redacted', async () => {
    t = await startTestAdmin({ tree });
    const ops = { authorization: `Bearer ${OPS_TOKEN}` };
    const rule = { name: 'ErrorBurst', metric: 'span_error_ratio', threshold: 0.05, operator: 'gt', severity: 'critical', annotations: { runbook_url: 'https://runbooks.example.com/errors', webhook_url: SECRETS.ruleHook } };
    const created = await t.app.inject({ method: 'POST', url: '/api/alert-rules', headers: ops, payload: rule });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await t.app.inject({ method: 'PUT', url: `/api/alert-rules/${id}`, headers: t.auth, payload: { ...rule, threshold: 0.1 } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/alert-rules/${id}`, headers: t.auth })).statusCode).toBe(204);
    const audit = await t.app.inject({ url: '/api/audit', headers: t.auth });
    const entries = audit.json();
    expect(entries.map((e: { who: string; action: string; target: string }) => [e.who, e.action, e.target])).toEqual([
      ['admin', 'alert-rule.delete', id], ['admin', 'alert-rule.update', id], ['ops', 'alert-rule.create', id],
    ]);
    const update = entries[1];
    expect(update.before).toMatchObject({ threshold: 0.05, annotations: { runbook_url: 'https://runbooks.example.com/errors', webhook_url: '<redacted>' } });
    expect(update.after).toMatchObject({ threshold: 0.1, annotations: { webhook_url: '<redacted>' } });
    expect(entries[0].after).toBeNull();
    expect(leaks(audit.body)).toEqual([]);
    // the response to the change shows no secret either
    expect(leaks(created.body)).toEqual([]);
  });

  it('records channel changes with the secret keys of the notifier type redacted', async () => {
    t = await startTestAdmin({ tree });
    await t.app.inject({ method: 'POST', url: '/api/channels', headers: t.auth, payload: { id: 'slack/new', config: { webhook_url: SECRETS.newSlack, channel: '#ops' } } });
    await t.app.inject({ method: 'PUT', url: '/api/channels/slack%2Fnew', headers: t.auth, payload: { webhook_url: SECRETS.newSlack, channel: '#sre' } });
    const audit = await t.app.inject({ url: '/api/audit', headers: t.auth });
    expect(audit.json()[0]).toMatchObject({ action: 'channel.update', target: 'slack/new', before: { webhook_url: '<redacted>', channel: '#ops' }, after: { webhook_url: '<redacted>', channel: '#sre' } });
    expect(audit.body).not.toContain(SECRETS.newSlack);
  });
});

describe('secrets', () => {
  it('appear nowhere: /api/config, /api/channels, the audit log, the console, /docs, the logs', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
    t = await startTestAdmin({ tree, fileChannels: tree.notifiers, logger });
    const get = async (url: string) => (await t.app.inject({ url, headers: t.auth })).body;
    const config = JSON.parse(await get('/api/config'));
    expect(config.notifiers['email/team'].smtp).toEqual({ host: 'smtp.example.com', port: 587, username: 'alerts', password: '<redacted>' });
    expect(config.notifiers['webhook/ops']).toEqual({ url: 'https://ops.example.com/hook', secret: '<redacted>' });
    expect(config.admin.tokens).toEqual([{ name: 'ops', token: '<redacted>' }]);
    expect(config.alerting.trace_url_template).toBe('https://jaeger.example.com/trace/{trace_id}');
    await t.app.inject({ method: 'POST', url: '/api/channels/pagerduty%2Fprimary/test', headers: t.auth });
    await t.app.inject({ method: 'POST', url: '/api/config/reload', headers: t.auth });
    await t.app.inject({ method: 'POST', url: '/api/alerts', headers: t.auth, payload: { name: 'x', severity: 'low', annotations: { note: `see ${SECRETS.slack}` } } });
    await t.app.inject({ url: '/api/status', headers: { authorization: `Bearer ${SECRETS.routing}` } });
    const bodies = await Promise.all(['/api/config', '/api/channels', '/api/audit', '/', '/ui/console.js', '/docs', '/docs/json', '/api/status'].map(get));
    for (const b of bodies) expect(leaks(b)).toEqual([]);
    expect(leaks(lines.join(''))).toEqual([]);
  });

  it('redacts by the notifier types\' secret keys even where the key name says nothing', () => {
    const factories = [...fakeNotifierFactories, { ...fakeNotifierFactories[0]!, type: 'custom', secrets: ['endpoint.path'] }];
    const r = redactConfig({ notifiers: { 'custom/x': { endpoint: { path: '/p/SECRET-PATH-0001', host: 'h' } } }, other: { note: 'has /p/SECRET-PATH-0001 inside' } }, factories);
    expect(r).toEqual({ notifiers: { 'custom/x': { endpoint: { path: '<redacted>', host: 'h' } } }, other: { note: '<redacted>' } });
  });
});

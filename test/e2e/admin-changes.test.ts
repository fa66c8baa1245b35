// Changes through the admin API with the real alerting and notifiers services: a rule added through
// the API fires at the next evaluation, a change to it resolves the alert at the next one, and it
// survives a restart (listed with source api; a file rule cannot be overwritten); a channel added
// through the API is stored and listed redacted; the audit log shows who changed what, secrets redacted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { ADMIN } from '../../agent/admin/index.js';
import { ALERTING } from '../../agent/alerting/api.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { tempDir } from '../kit/config.js';
import { FakeClock } from '../kit/fake-clock.js';

const TOKEN = 'ops-token-0123456789abcdef';
const HOOK = 'https://hooks.slack.com/services/T0SECRET/B0SECRET/abcdefSECRETxyz';

describe('admin changes with the real services', () => {
  it('a rule added through the API fires at the next evaluation, changes apply at the next one, it survives a restart, and the audit shows it redacted', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const tree = {
      storage: { path: join(dir, 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      exporters: { nop: {} },
      alerting: { evaluation_interval: '15s', rules: [{ name: 'FromFile', metric: 'queue_depth', operator: 'gt', threshold: 1e9 }] },
      admin: { endpoint: '127.0.0.1:0', tokens: [{ name: 'ops', token: TOKEN }] },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], exporters: ['nop'] } } },
    };
    let agent = await Agent.start({ tree }, { clock });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://${agent.service(ADMIN)!.address}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() as any };
    };
    try {
      agent.service(SIGNALS)!.gauge('queue_depth', ['queue']).series(['orders']).set(120);
      const created = await call('POST', '/api/alert-rules', { name: 'QueueBacklog', metric: 'queue_depth', window: '5m', operator: 'gt', threshold: 100, severity: 'high' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ source: 'api', rule: { name: 'QueueBacklog', threshold: 100 } });
      const id = created.body.id as string;
      expect(agent.service(ALERTING)!.alerts()).toEqual([]); // not before the next evaluation
      await clock.advance(15_000);
      expect(agent.service(ALERTING)!.alerts({ state: 'firing' }).map((a) => [a.name, a.labels.queue])).toEqual([['QueueBacklog', 'orders']]);
      // a changed threshold applies at the next evaluation
      expect((await call('PUT', `/api/alert-rules/${id}`, { name: 'QueueBacklog', metric: 'queue_depth', window: '5m', operator: 'gt', threshold: 500, severity: 'high' })).status).toBe(200);
      await clock.advance(15_000);
      expect(agent.service(ALERTING)!.alerts({ state: 'firing' })).toEqual([]);
      // a file rule cannot be overwritten through the API
      expect((await call('PUT', '/api/alert-rules/FromFile', { name: 'FromFile', metric: 'queue_depth', operator: 'gt', threshold: 1 })).status).toBe(409);
      // a channel with a secret
      expect((await call('POST', '/api/channels', { id: 'slack/ops', config: { webhook_url: HOOK } })).status).toBe(201);

      // restart on the same database
      await agent.stop();
      agent = await Agent.start({ tree }, { clock });
      const rules = (await call('GET', '/api/alert-rules')).body as Array<{ id: string; source: string; rule: { threshold: number } }>;
      expect(rules.map((r) => [r.id === id ? 'QueueBacklog' : r.id, r.source, r.rule.threshold])).toEqual(expect.arrayContaining([['FromFile', 'file', 1e9], ['QueueBacklog', 'api', 500]]));
      const channels = await call('GET', '/api/channels');
      expect(JSON.stringify(channels.body)).toContain('slack/ops');
      expect(JSON.stringify(channels.body)).not.toContain('SECRET');
      agent.service(SIGNALS)!.gauge('queue_depth', ['queue']).series(['orders']).set(900);
      await clock.advance(15_000);
      expect(agent.service(ALERTING)!.alerts({ state: 'firing' }).map((a) => a.name)).toEqual(['QueueBacklog']);

      const audit = (await call('GET', '/api/audit')).body;
      const text = JSON.stringify(audit);
      expect(text).not.toContain('SECRET');
      const entries = (Array.isArray(audit) ? audit : audit.entries) as Array<{ who: string; action: string; target: string; before: unknown; after: unknown }>;
      const ruleUpdate = entries.find((e) => /rule/.test(e.action) && /update|put|change/.test(e.action))!;
      expect(ruleUpdate).toMatchObject({ who: 'ops', target: id });
      expect(JSON.stringify(ruleUpdate.before)).toContain('100');
      expect(JSON.stringify(ruleUpdate.after)).toContain('500');
      expect(entries.some((e) => /channel/.test(e.action) && e.who === 'ops')).toBe(true);
    } finally {
      await agent.stop();
    }
  }, 30_000);
});

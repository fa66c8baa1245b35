// Notifiers in the running agent: the `notifiers` section configures Slack and PagerDuty against
// local servers that hold every payload to the documented format; a trigger and its resolve
// queued while PagerDuty is down survive an agent restart and arrive exactly once, in order.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { NOTIFIERS } from '../../agent/notifiers/api.js';
import { tempDir } from '../kit/config.js';
import { notificationFor } from '../kit/fake-notifier.js';
import { startPagerduty } from '../kit/saas/pagerduty.js';
import type { SaasServer } from '../kit/saas/server.js';
import { SLACK_HOOK_PATH, startSlack } from '../kit/saas/slack.js';
import { until } from '../kit/until.js';

const KEY = 'R0123456789abcdefABCDEF012345678';

describe('notifiers e2e', () => {
  const servers: SaasServer[] = [];
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
    for (const s of servers.splice(0)) await s.close();
  });

  const config = (dir: string, slack: SaasServer, pd: SaasServer) => ({
    storage: { path: join(dir, 'outrider.db') },
    receivers: { otlp: { protocols: { http: { endpoint: '127.0.0.1:0' } } } },
    exporters: { nop: {} },
    notifiers: {
      'slack/oncall': { webhook_url: `${slack.url}${SLACK_HOOK_PATH}` },
      'pagerduty/primary': { routing_key: KEY, events_url: `${pd.url}/v2/enqueue`, retry: { initial_interval: '50ms', max_interval: '100ms' } },
    },
    service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'error' } }, pipelines: { traces: { receivers: ['otlp'], exporters: ['nop'] } } },
  });
  const start = async (tree: object) => { const a = await Agent.start({ tree }); agents.push(a); return a; };

  it('delivers through the configured notifiers and counts the outcomes at /metrics', async () => {
    const slack = await startSlack();
    const pd = await startPagerduty();
    servers.push(slack, pd);
    const agent = await start(config(tempDir(), slack, pd));
    const notifiers = agent.service(NOTIFIERS)!;
    expect(notifiers.channels().map((c) => c.id)).toEqual(['pagerduty/primary', 'slack/oncall']);
    notifiers.enqueue(notificationFor('slack/oncall', 'checkout'));
    notifiers.enqueue(notificationFor('pagerduty/primary', 'checkout'));
    await until(() => slack.accepted().length === 1 && pd.accepted().length === 1, 10_000, 'both deliveries');
    expect([...slack.problems(), ...pd.problems()]).toEqual([]);
    const metrics = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
    expect(metrics).toContain('outrider_notifications_total{notifier="slack/oncall",outcome="sent"} 1');
    expect(metrics).toContain('outrider_notifications_total{notifier="pagerduty/primary",outcome="sent"} 1');
  });

  it('a reload changes, adds and removes notifiers in place', async () => {
    const slack = await startSlack();
    const moved = await startSlack();
    const pd = await startPagerduty();
    servers.push(slack, moved, pd);
    const tree = config(tempDir(), slack, pd);
    const agent = await start({ ...tree, notifiers: { 'slack/oncall': tree.notifiers['slack/oncall'] } });
    const result = await agent.reload({ tree: { ...tree, notifiers: { ...tree.notifiers, 'slack/oncall': { webhook_url: `${moved.url}${SLACK_HOOK_PATH}` } } } });
    expect(result).toMatchObject({ outcome: 'ok', problems: [] });
    const notifiers = agent.service(NOTIFIERS)!;
    expect(notifiers.channels().map((c) => c.id)).toEqual(['pagerduty/primary', 'slack/oncall']);
    notifiers.enqueue(notificationFor('slack/oncall', 'checkout'));
    notifiers.enqueue(notificationFor('pagerduty/primary', 'checkout'));
    await until(() => moved.accepted().length === 1 && pd.accepted().length === 1, 10_000, 'deliveries to the new settings');
    expect(slack.requests).toEqual([]);
    expect((await agent.reload({ tree: { ...tree, notifiers: {} } })).outcome).toBe('ok');
    expect(agent.service(NOTIFIERS)!.channels()).toEqual([]);
  });

  it('a trigger and resolve queued while PagerDuty is down arrive once each, in order, after a restart', async () => {
    const slack = await startSlack();
    const pd = await startPagerduty();
    servers.push(slack, pd);
    const dir = tempDir();
    const first = await start(config(dir, slack, pd));
    const sent = first.service(NOTIFIERS)!.enqueue(notificationFor('slack/oncall', 'payments'));
    await until(() => slack.accepted().length === 1, 10_000, 'the slack message');
    pd.failNext(1_000_000, { status: 503, body: { status: 'unavailable' } });
    first.service(NOTIFIERS)!.enqueue(notificationFor('pagerduty/primary', 'checkout', 'trigger'));
    first.service(NOTIFIERS)!.enqueue(notificationFor('pagerduty/primary', 'checkout', 'resolve'));
    await until(() => pd.requests.length >= 3, 10_000, 'failed attempts');
    await first.stop();
    agents.splice(0);
    expect(pd.accepted()).toEqual([]);

    // PagerDuty is back (a fresh server, so only what arrives after the restart is counted)
    const fresh = await startPagerduty();
    servers.push(fresh);
    const second = await start(config(dir, slack, fresh));
    await until(() => fresh.accepted().length === 2, 10_000, 'trigger and resolve after the restart');
    expect(fresh.problems()).toEqual([]);
    // every row is sent: nothing is left to go out again
    expect(fresh.requests.map((r) => (r.body as { event_action: string }).event_action)).toEqual(['trigger', 'resolve']);
    expect(slack.accepted()).toHaveLength(1);
    // the peer's 2xx arrives before the agent records it: wait for the outbox to say so
    await until(() => second.service(NOTIFIERS)!.stats().every((s) => s.pending === 0), 5_000, 'the outbox recorded both sends');
    expect(second.service(NOTIFIERS)!.stats()).toEqual([
      { notifier: 'pagerduty/primary', pending: 0, sent: 2, rejected: 0, dead: 0 },
      { notifier: 'slack/oncall', pending: 0, sent: 1, rejected: 0, dead: 0 },
    ]);
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

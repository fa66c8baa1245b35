// Escalation policies on the fake clock: levels climb while unacknowledged; ack and resolve stop them; a restart resumes.
import { describe, expect, test } from 'vitest';
import { startAlerting } from '../../test/kit/alerting.js';

const S = 1000, M = 60_000;
const cfg = {
  group_wait: '30s', group_interval: '5m',
  escalations: [{ name: 'standard', levels: [{ notifiers: ['slack/oncall'] }, { after: '15m', notifiers: ['pagerduty/primary'] }, { after: '30m', notifiers: ['email/team'] }] }],
  routes: [{ match: { severity: 'critical' }, escalation: 'standard' }],
};

describe('escalation', () => {
  test('level 0 at the first notification, each next level after its delay while unacknowledged; ack stops it', async () => {
    const h = await startAlerting(cfg);
    const a = h.api.trigger({ name: 'Down', severity: 'critical' }, 'u');
    await h.s.clock.advance(30 * S);
    expect(h.rec.sent.map((n) => n.notifier)).toEqual(['slack/oncall']);
    await h.s.clock.advance(15 * M - 1);
    expect(h.rec.sent).toHaveLength(1);
    await h.s.clock.advance(1); // 15m after level 0
    expect(h.rec.sent.map((n) => [n.notifier, n.action])).toEqual([['slack/oncall', 'trigger'], ['pagerduty/primary', 'trigger']]);
    h.api.acknowledge(a.id, 'bob');
    expect(h.rec.to('pagerduty/primary', 'acknowledge')).toHaveLength(1);
    await h.s.clock.advance(60 * M);
    expect(h.rec.to('email/team')).toEqual([]); // the 30m level never came
    h.api.resolve(a.id, 'bob');
    await h.s.clock.advance(5 * M); // the resolve goes to every level that was notified
    expect(h.rec.sent.filter((n) => n.action === 'resolve').map((n) => n.notifier).sort()).toEqual(['pagerduty/primary', 'slack/oncall']);
    await h.svc.shutdown();
  });

  test('resolving stops it; unacknowledged it reaches the last level', async () => {
    const h = await startAlerting(cfg);
    const a = h.api.trigger({ name: 'Down', severity: 'critical' }, 'u');
    await h.s.clock.advance(30 * S + 10 * M);
    h.api.resolve(a.id, 'u');
    await h.s.clock.advance(60 * M);
    expect(h.rec.sent.map((n) => `${n.notifier}:${n.action}`)).toEqual(['slack/oncall:trigger', 'slack/oncall:resolve']);

    h.rec.clear();
    h.api.trigger({ name: 'Down', severity: 'critical', labels: { host: 'b' } }, 'u');
    await h.s.clock.advance(30 * S + 30 * M);
    expect(h.rec.sent.filter((n) => n.action === 'trigger').map((n) => n.notifier)).toEqual(['slack/oncall', 'pagerduty/primary', 'email/team']);
    await h.svc.shutdown();
  });

  test('a restart resumes the policy where it was', async () => {
    const h = await startAlerting(cfg);
    h.api.trigger({ name: 'Down', severity: 'critical' }, 'u');
    await h.s.clock.advance(30 * S + 10 * M);
    const h2 = await h.restart();
    await h2.s.clock.advance(5 * M - 1);
    expect(h.rec.sent.map((n) => n.notifier)).toEqual(['slack/oncall']);
    await h2.s.clock.advance(1);
    expect(h.rec.sent.map((n) => n.notifier)).toEqual(['slack/oncall', 'pagerduty/primary']);
    await h2.svc.shutdown();
  });
});

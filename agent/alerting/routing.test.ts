// Routing (tree walk, continue, default notifiers), inhibition, silences, mute time intervals, acknowledgements.
import { describe, expect, test } from 'vitest';
import { startAlerting } from '../../test/kit/alerting.js';
import { silenceMatches } from './labels.js';

const S = 1000, M = 60_000, H = 3_600_000;
const fast = { group_wait: '0s', group_interval: '1m' };

describe('routing', () => {
  test('first matching child wins unless continue; nested routes; unmatched alerts go to default_notifiers', async () => {
    const h = await startAlerting({
      ...fast, default_notifiers: ['teams/dev'],
      routes: [
        { match: { team: 'a' }, notifiers: ['slack/oncall'], continue: true },
        { match: { severity: 'critical' }, notifiers: ['pagerduty/primary'], routes: [{ match_re: { service_name: 'pay.*' }, notifiers: ['email/team'] }] },
        { match: { team: 'a' }, notifiers: ['teams/dev'] },
      ],
    });
    h.api.trigger({ name: 'A', severity: 'critical', labels: { team: 'a', service_name: 'cart' } }, 'u');
    h.api.trigger({ name: 'B', severity: 'critical', labels: { team: 'b', service_name: 'payments' } }, 'u');
    h.api.trigger({ name: 'C', severity: 'low', labels: { team: 'c' } }, 'u');
    await h.s.clock.advance(S);
    const who = (name: string) => h.rec.sent.filter((n) => n.alerts[0]!.name === name).map((n) => n.notifier).sort();
    expect(who('A')).toEqual(['pagerduty/primary', 'slack/oncall']); // continue, then the critical route; the third not reached
    expect(who('B')).toEqual(['email/team']); // the child route wins over its parent
    expect(who('C')).toEqual(['teams/dev']); // the root: default_notifiers
    await h.svc.shutdown();
  });

  test('without default_notifiers an unmatched alert is recorded, not notified; unknown notifiers are skipped', async () => {
    const h = await startAlerting({ ...fast, routes: [{ match: { severity: 'critical' }, notifiers: ['slack/nowhere', 'slack/oncall'] }] });
    expect(h.s.statuses).toContainEqual({ status: 'degraded', reason: 'alerting: routes name notifiers that are not configured: slack/nowhere' });
    const a = h.api.trigger({ name: 'Low', severity: 'low' }, 'u');
    h.api.trigger({ name: 'Crit', severity: 'critical' }, 'u');
    await h.s.clock.advance(S);
    expect(h.api.alert(a.id)!.state).toBe('firing');
    expect(h.rec.sent.map((n) => [n.notifier, n.alerts[0]!.name])).toEqual([['slack/oncall', 'Crit']]);
    await h.svc.shutdown();
  });
});

describe('inhibition, silences, mute time intervals', () => {
  test('a firing critical inhibits medium alerts of the same service; they are sent once it resolves', async () => {
    const h = await startAlerting({
      ...fast, default_notifiers: ['slack/oncall'], group_by: ['...'],
      inhibit_rules: [{ source_match: { severity: 'critical' }, target_match: { severity: 'medium' }, equal: ['service_name'] }],
    });
    const crit = h.api.trigger({ name: 'Down', severity: 'critical', labels: { service_name: 'checkout' } }, 'u');
    h.api.trigger({ name: 'Slow', severity: 'medium', labels: { service_name: 'checkout' } }, 'u');
    h.api.trigger({ name: 'Slow', severity: 'medium', labels: { service_name: 'cart' } }, 'u');
    await h.s.clock.advance(S);
    const names = () => h.rec.sent.map((n) => `${n.alerts[0]!.name}/${n.alerts[0]!.labels.service_name}/${n.action}`);
    expect(names().sort()).toEqual(['Down/checkout/trigger', 'Slow/cart/trigger']);
    h.api.resolve(crit.id, 'u');
    await h.s.clock.advance(M + 15 * S); // the next evaluation and tick
    expect(names().sort()).toEqual(['Down/checkout/resolve', 'Down/checkout/trigger', 'Slow/cart/trigger', 'Slow/checkout/trigger']);
    await h.svc.shutdown();
  });

  test('a silence holds matching alerts back until it ends; deleting one lifts it', async () => {
    const h = await startAlerting({ ...fast, default_notifiers: ['slack/oncall'] });
    const sil = h.api.addSilence({ matchers: [{ name: 'service_name', value: 'check.*', isRegex: true, isEqual: true }], endsAt: h.s.clock.now() + 10 * M, createdBy: 'alice', comment: 'deploy' });
    expect(h.api.silences()).toEqual([sil]);
    h.api.trigger({ name: 'Down', severity: 'high', labels: { service_name: 'checkout' } }, 'u');
    await h.s.clock.advance(9 * M);
    expect(h.rec.sent).toEqual([]);
    await h.s.clock.advance(M + 15 * S); // ended: the next evaluation puts it back in a group
    expect(h.rec.sent.map((n) => n.alerts[0]!.name)).toEqual(['Down']);

    const s2 = h.api.addSilence({ matchers: [{ name: 'alertname', value: 'Other', isRegex: false, isEqual: true }], endsAt: h.s.clock.now() + H, createdBy: 'a', comment: '' });
    h.api.trigger({ name: 'Other', severity: 'high' }, 'u');
    await h.s.clock.advance(M);
    expect(h.rec.sent).toHaveLength(1);
    expect(h.api.deleteSilence(s2.id)).toBe(true);
    await h.s.clock.advance(M);
    expect(h.rec.sent.map((n) => n.alerts[0]!.name)).toEqual(['Down', 'Other']);
    expect(() => h.api.addSilence({ matchers: [], endsAt: h.s.clock.now() + M, createdBy: '', comment: '' })).toThrow(/at least one matcher/);
    expect(() => h.api.addSilence({ matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }], endsAt: h.s.clock.now() + M, createdBy: '', comment: '' })).toThrow(/matcher 'a'/);
    await h.svc.shutdown();
  });

  test('silences are kept in SQLite across a restart', async () => {
    const h = await startAlerting({ ...fast, default_notifiers: ['slack/oncall'] });
    const sil = h.api.addSilence({ matchers: [{ name: 'alertname', value: 'Down', isRegex: false, isEqual: true }], endsAt: h.s.clock.now() + H, createdBy: 'alice', comment: 'maintenance' });
    const h2 = await h.restart();
    expect(h2.api.silences()).toEqual([sil]);
    h2.api.trigger({ name: 'Down', severity: 'high' }, 'u');
    await h2.s.clock.advance(M);
    expect(h2.rec.sent).toEqual([]);
    await h2.svc.shutdown();
  });

  test('silence matchers: equality, regex (anchored), negated', () => {
    const l = { service_name: 'checkout', env: 'prod' };
    const m = (name: string, value: string, isRegex: boolean, isEqual: boolean) => silenceMatches({ matchers: [{ name, value, isRegex, isEqual }] }, l);
    expect(m('service_name', 'checkout', false, true)).toBe(true);
    expect(m('service_name', 'check', true, true)).toBe(false);
    expect(m('service_name', 'check.*', true, true)).toBe(true);
    expect(m('env', 'prod', false, false)).toBe(false);
    expect(m('env', 'dev|stage', true, false)).toBe(true);
    expect(m('missing', '', false, true)).toBe(true);
  });

  test('a muted route sends nothing inside its interval (UTC) and catches up after it', async () => {
    // the fake clock starts Thursday 2026-01-01 00:00 UTC
    const h = await startAlerting({
      ...fast,
      mute_time_intervals: [{ name: 'night', time_intervals: [{ times: [{ start_time: '00:00', end_time: '01:00' }], weekdays: ['monday:friday'] }] }],
      routes: [{ match: {}, notifiers: ['slack/oncall'], mute_time_intervals: ['night'] }],
    });
    h.api.trigger({ name: 'Down', severity: 'high' }, 'u');
    await h.s.clock.advance(59 * M);
    expect(h.rec.sent).toEqual([]);
    await h.s.clock.advance(M);
    expect(h.rec.sent).toHaveLength(1);
    await h.svc.shutdown();
  });

  test('acknowledging every firing alert of a group tells the notifiers that understand it', async () => {
    const h = await startAlerting({ ...fast, routes: [{ match: {}, notifiers: ['slack/oncall', 'pagerduty/primary'] }] });
    const a = h.api.trigger({ name: 'Down', severity: 'critical' }, 'u');
    await h.s.clock.advance(S);
    h.api.acknowledge(a.id, 'bob', 'looking');
    expect(h.rec.to('pagerduty/primary').map((n) => n.action)).toEqual(['trigger', 'acknowledge']);
    expect(h.rec.to('slack/oncall').map((n) => n.action)).toEqual(['trigger']);
    expect(h.rec.to('pagerduty/primary', 'acknowledge')[0]!.alerts[0]!.acknowledged).toMatchObject({ by: 'bob', note: 'looking' });
    await h.svc.shutdown();
  });
});

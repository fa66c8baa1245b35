// Notification groups on the fake clock: group_wait, group_interval, repeat_interval, resolves,
// and a restart that neither re-pages nor loses the resolve.
import { describe, expect, test } from 'vitest';
import { spans, startAlerting } from '../../test/kit/alerting.js';

const S = 1000, M = 60_000;
const route = { match: { severity: 'critical' }, notifiers: ['pagerduty/primary'], group_by: ['alertname'], group_wait: '30s', group_interval: '5m', repeat_interval: '1h' };

describe('grouping timers', () => {
  test('group_wait, then changes at group_interval, an unchanged group again after repeat_interval, resolves once', async () => {
    const h = await startAlerting({ routes: [route] });
    const pd = () => h.rec.to('pagerduty/primary');
    const a = h.api.trigger({ name: 'Down', severity: 'critical', labels: { host: 'a' } }, 'u');
    await h.s.clock.advance(30 * S - 1);
    expect(pd()).toHaveLength(0);
    await h.s.clock.advance(1); // t=30s: group_wait over
    expect(pd()).toHaveLength(1);
    expect(pd()[0]).toMatchObject({ action: 'trigger', status: 'firing', severity: 'critical', groupLabels: { alertname: 'Down' } });
    expect(pd()[0]!.alerts.map((x) => x.id)).toEqual([a.id]);

    await h.s.clock.advance(30 * S); // t=1m: a second alert joins the group …
    const b = h.api.trigger({ name: 'Down', severity: 'critical', labels: { host: 'b' } }, 'u');
    await h.s.clock.advance(4 * M + 30 * S - 1); // … and waits for the group_interval tick at 5m30s
    expect(pd()).toHaveLength(1);
    await h.s.clock.advance(1);
    expect(pd()).toHaveLength(2);
    expect(pd()[1]!.alerts.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(pd()[1]!.groupKey).toBe(pd()[0]!.groupKey);

    // unchanged: nothing at the ticks until repeat_interval (1h) after the last send, at 65m30s
    await h.s.clock.advance(60 * M - 1);
    expect(pd()).toHaveLength(2);
    await h.s.clock.advance(1);
    expect(pd()).toHaveLength(3);
    expect(pd()[2]).toMatchObject({ action: 'trigger', status: 'firing' });

    h.api.resolve(a.id, 'u'); // one of two resolved: a trigger listing it resolved, at the next tick
    await h.s.clock.advance(5 * M);
    expect(pd()).toHaveLength(4);
    expect(pd()[3]!.alerts.map((x) => [x.id, x.status])).toEqual([[b.id, 'firing'], [a.id, 'resolved']]);
    expect(pd()[3]!.action).toBe('trigger');

    h.api.resolve(b.id, 'u'); // the last one: a resolve, once
    await h.s.clock.advance(5 * M);
    expect(pd()).toHaveLength(5);
    expect(pd()[4]).toMatchObject({ action: 'resolve', status: 'resolved', severity: 'critical' });
    expect(pd()[4]!.alerts.map((x) => x.endsAt)).toEqual([h.s.clock.now() - 5 * M]);
    await h.s.clock.advance(10 * 60 * M);
    expect(pd()).toHaveLength(5);
    await h.svc.shutdown();
  });

  test('an alert resolved inside group_wait sends nothing', async () => {
    const h = await startAlerting({ routes: [route] });
    const a = h.api.trigger({ name: 'Blip', severity: 'critical' }, 'u');
    await h.s.clock.advance(10 * S);
    h.api.resolve(a.id, 'u');
    await h.s.clock.advance(60 * M);
    expect(h.rec.sent).toEqual([]);
    await h.svc.shutdown();
  });

  test('group_by splits groups; `...` groups by every label', async () => {
    const h = await startAlerting({ routes: [{ ...route, group_by: ['...'] }] });
    h.api.trigger({ name: 'Down', severity: 'critical', labels: { host: 'a' } }, 'u');
    h.api.trigger({ name: 'Down', severity: 'critical', labels: { host: 'b' } }, 'u');
    await h.s.clock.advance(30 * S);
    expect(h.rec.sent.map((n) => n.groupLabels)).toEqual([
      { alertname: 'Down', host: 'a', severity: 'critical' }, { alertname: 'Down', host: 'b', severity: 'critical' },
    ]);
    await h.svc.shutdown();
  });

  test('after a restart a firing group is not re-paged, and its resolve is still sent', async () => {
    const cfg = {
      evaluation_interval: '10s', routes: [route],
      rules: [{ name: 'HighErrorRate', metric: 'span_error_ratio', window: '1m', operator: 'gt', threshold: 0.05, severity: 'critical' }],
    };
    const h = await startAlerting(cfg);
    spans(h.s, 'checkout', 10, true);
    await h.s.clock.advance(40 * S); // fires at 10s, notified at 40s
    expect(h.rec.sent.map((n) => n.action)).toEqual(['trigger']);
    const id = h.api.alerts({ state: 'firing' })[0]!.id;

    const h2 = await h.restart(); // same store and clock, a new engine
    expect(h2.api.alert(id)!.state).toBe('firing');
    for (let i = 0; i < 100; i++) { // ticks pass while errors go on: nothing changed, repeat_interval not reached
      spans(h2.s, 'checkout', 10, true);
      await h2.s.clock.advance(30 * S);
    }
    expect(h.rec.sent.map((n) => n.action)).toEqual(['trigger']);
    await h2.s.clock.advance(70 * S); // the errors leave the 1m window → resolved
    expect(h2.api.alert(id)!.state).toBe('resolved');
    await h2.s.clock.advance(5 * M);
    expect(h.rec.sent.map((n) => n.action)).toEqual(['trigger', 'resolve']);
    expect(h.rec.sent[1]!.groupKey).toBe(h.rec.sent[0]!.groupKey);
    await h2.svc.shutdown();
  });

  test('a flush whose enqueue fails rolls back and is retried at the next group_interval', async () => {
    const h = await startAlerting({ routes: [route] });
    const enqueue = h.rec.enqueue.bind(h.rec);
    let fail = 1;
    h.rec.enqueue = (n) => { if (fail-- > 0) throw new Error('outbox closed'); return enqueue(n); };
    h.api.trigger({ name: 'Down', severity: 'critical' }, 'u');
    await h.s.clock.advance(30 * S);
    expect(h.rec.sent).toEqual([]);
    await h.s.clock.advance(5 * M);
    expect(h.rec.sent.map((n) => n.action)).toEqual(['trigger']);
    await h.svc.shutdown();
  });
});

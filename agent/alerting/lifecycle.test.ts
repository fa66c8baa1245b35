// The alert lifecycle on the fake clock: for, keep_firing_for, no-data, manual trigger/ack/resolve.
import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spans, startAlerting } from '../../test/kit/alerting.js';
import { tempDir } from '../../test/kit/config.js';
import { testSettings } from '../../test/kit/settings.js';
import { Store } from '../store/store.js';

const rule = (extra: object = {}) => ({
  name: 'HighErrorRate', metric: 'span_error_ratio', labels: { service_name: 'checkout' }, window: '5m',
  operator: 'gt', threshold: 0.05, severity: 'critical', ...extra,
});

describe('alert lifecycle', () => {
  test('pending until `for` has passed, firing, then resolved only after keep_firing_for', async () => {
    const h = await startAlerting({ evaluation_interval: '10s', rules: [rule({ for: '30s', keep_firing_for: '20s' })] });
    spans(h.s, 'checkout', 90);
    spans(h.s, 'checkout', 10, true);
    await h.s.clock.advance(10_000); // t=10: condition holds → pending
    const [a] = h.api.alerts();
    expect(a).toMatchObject({ state: 'pending', name: 'HighErrorRate', value: 0.1, severity: 'critical', firedAt: null });
    expect(a!.labels).toEqual({ alertname: 'HighErrorRate', severity: 'critical', service_name: 'checkout' });
    await h.s.clock.advance(20_000); // t=30: 20s pending
    expect(h.api.alert(a!.id)!.state).toBe('pending');
    await h.s.clock.advance(10_000); // t=40: 30s pending → firing
    expect(h.api.alert(a!.id)).toMatchObject({ state: 'firing', firedAt: h.s.clock.now() });
    spans(h.s, 'checkout', 10_000); // the ratio falls under 5 %
    await h.s.clock.advance(10_000); // t=50: condition false for 10s < 20s
    expect(h.api.alert(a!.id)!.state).toBe('firing');
    await h.s.clock.advance(10_000); // t=60: 20s since it last held → resolved
    expect(h.api.alert(a!.id)).toMatchObject({ state: 'resolved', resolvedAt: h.s.clock.now() });
    await h.svc.shutdown();
  });

  test('a pending alert whose condition stops holding is dropped, never fired', async () => {
    const h = await startAlerting({ evaluation_interval: '10s', rules: [rule({ for: '1m' })] });
    spans(h.s, 'checkout', 10, true);
    await h.s.clock.advance(10_000);
    expect(h.api.alerts({ state: 'pending' })).toHaveLength(1);
    spans(h.s, 'checkout', 10_000);
    await h.s.clock.advance(10_000);
    expect(h.api.alerts()).toEqual([]);
    await h.svc.shutdown();
  });

  test('no_data: ok resolves, alerting fires (labels from the matchers, no value), keep_last keeps the state', async () => {
    const cases = { ok: 'resolved', alerting: 'firing', keep_last: 'firing' } as const;
    for (const [noData, after] of Object.entries(cases)) {
      // a 1m window: the first minute after start counts as keep_last (the signals ring is empty after a restart)
      const h = await startAlerting({ evaluation_interval: '10s', rules: [rule({ window: '1m', no_data: noData })] });
      spans(h.s, 'checkout', 10, true);
      await h.s.clock.advance(10_000);
      const id = h.api.alerts({ state: 'firing' })[0]!.id;
      await h.s.clock.advance(120_000); // the window empties: no data
      const now = h.api.alerts().filter((a) => a.state !== 'resolved');
      if (after === 'resolved') expect(h.api.alert(id)!.state, noData).toBe('resolved');
      else if (noData === 'keep_last') expect(now.map((a) => a.id), noData).toEqual([id]);
      else {
        // the no-data alert carries the matchers' labels: here the same alert, firing on with no value
        expect(now, noData).toHaveLength(1);
        expect(now[0]).toMatchObject({ id, state: 'firing', value: null, labels: { alertname: 'HighErrorRate', service_name: 'checkout', severity: 'critical' } });
      }
      await h.svc.shutdown();
    }
  });

  test('right after a start, no data keeps a firing alert firing for one rule window', async () => {
    const h = await startAlerting({ evaluation_interval: '10s', rules: [rule({ window: '1m' })] });
    spans(h.s, 'checkout', 10, true);
    await h.s.clock.advance(10_000);
    const id = h.api.alerts({ state: 'firing' })[0]!.id;
    const h2 = await h.restart();
    (h2.s.signals as unknown as { families: Map<string, unknown> }).families.clear(); // the ring is empty after a restart
    await h2.s.clock.advance(50_000);
    expect(h2.api.alert(id)!.state).toBe('firing');
    await h2.s.clock.advance(20_000);
    expect(h2.api.alert(id)!.state).toBe('resolved');
    await h2.svc.shutdown();
  });

  test('manual trigger, acknowledge with note, resolve', async () => {
    const h = await startAlerting({});
    const a = h.api.trigger({ name: 'DiskFull', severity: 'high', labels: { host: 'db1' }, annotations: { summary: 'disk' } }, 'alice');
    expect(a).toMatchObject({ state: 'firing', source: 'manual', labels: { alertname: 'DiskFull', severity: 'high', host: 'db1' } });
    expect(h.api.trigger({ name: 'DiskFull', severity: 'high', labels: { host: 'db1' } }, 'bob').id).toBe(a.id);
    await h.s.clock.advance(60_000);
    expect(h.api.acknowledge(a.id, 'bob', 'on it')).toMatchObject({ state: 'acknowledged', acknowledged: { by: 'bob', note: 'on it', at: h.s.clock.now() } });
    await h.s.clock.advance(60_000);
    expect(h.api.resolve(a.id, 'bob')).toMatchObject({ state: 'resolved', resolvedAt: h.s.clock.now() });
    expect(h.api.acknowledge(a.id, 'x')).toBeUndefined();
    expect(() => h.api.trigger({ name: '', severity: 'high' }, 'u')).toThrow(/name must start/);
    expect(() => h.api.trigger({ name: 'X', severity: 'urgent' as never }, 'u')).toThrow("alert: severity must be one of critical, high, medium, low, info, got 'urgent'");
    expect(h.api.resolve('nope', 'x')).toBeUndefined();
    await h.svc.shutdown();
  });

  test('the fingerprint is stable: the same rule and labels give the same id across incidents', async () => {
    const h = await startAlerting({});
    const a = h.api.trigger({ name: 'X', severity: 'low', labels: { b: '2', a: '1' } }, 'u');
    h.api.resolve(a.id, 'u');
    const b = h.api.trigger({ name: 'X', severity: 'low', labels: { a: '1', b: '2' } }, 'u');
    expect(b.id).toBe(a.id);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(h.api.alerts().map((x) => x.state)).toEqual(['firing', 'resolved']);
    await h.svc.shutdown();
  });
});

describe('retention', () => {
  test('resolved incidents and ended silences older than retention are deleted (hourly)', async () => {
    const h = await startAlerting({ retention: '1h' });
    const a = h.api.trigger({ name: 'Old', severity: 'low' }, 'u');
    h.api.resolve(a.id, 'u');
    h.api.trigger({ name: 'StillFiring', severity: 'low' }, 'u');
    h.api.addSilence({ matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], endsAt: h.s.clock.now() + 1000, createdBy: 'u', comment: '' });
    await h.s.clock.advance(3_600_000);
    expect(h.api.alerts()).toHaveLength(2);
    await h.s.clock.advance(60_000);
    expect(h.api.alerts().map((x) => x.name)).toEqual(['StillFiring']);
    expect(h.api.silences()).toEqual([]);
    await h.svc.shutdown();
  });
});

describe('self metrics', () => {
  test('outrider_alerts{state}, evaluations and failures', async () => {
    const h = await startAlerting({ evaluation_interval: '10s', rules: [{ name: 'Bad', metric: 'span_rate', labels_re: { service_name: '.*' }, threshold: 0 }] });
    h.api.trigger({ name: 'Manual', severity: 'low' }, 'u');
    await h.s.clock.advance(20_000);
    const text = await h.s.render();
    expect(text).toMatch(/^outrider_alerts\{state="firing"\} 1$/m);
    expect(text).toMatch(/^outrider_alerts\{state="pending"\} 0$/m);
    expect(text).toMatch(/^outrider_alert_evaluations_total 2$/m);
    await h.svc.shutdown();
  });
});

describe('the database', () => {
  test('is not created by an agent that alerts on nothing; the first API call creates it', async () => {
    const s = testSettings('alerting');
    const path = join(tempDir(), 'outrider.db');
    s.store = new Store(path);
    const h = await startAlerting({}, { settings: s });
    await s.clock.advance(60_000);
    expect(existsSync(path)).toBe(false);
    h.api.trigger({ name: 'X', severity: 'low' }, 'u');
    expect(existsSync(path)).toBe(true);
    await h.svc.shutdown();
    s.store.close();
  });
});

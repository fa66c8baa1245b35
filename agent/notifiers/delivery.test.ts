// The outbox and its delivery loop on the fake clock: backoff, Retry-After, rejected, dead letters,
// min interval, order per group, restart.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testSettings, type TestSettings } from '../../test/kit/settings.js';
import { fakeNotifierControl, fakeNotifierFactory, notificationFor, type FakeNotifierControl } from '../../test/kit/fake-notifier.js';
import { createNotifierServiceFactory, type NotifierHub } from './service.js';

interface Setup { settings: TestSettings; control: FakeNotifierControl; hub: NotifierHub; stop(): Promise<void> }

async function setup(cfg: Record<string, unknown> = { 'fake/a': {} }, opts: { settings?: TestSettings; random?: () => number } = {}): Promise<Setup> {
  const settings = opts.settings ?? testSettings('notifiers');
  const control = fakeNotifierControl();
  const factory = createNotifierServiceFactory([fakeNotifierFactory(control)], { random: opts.random ?? (() => 1) });
  const svc = factory.create(settings, factory.parse(cfg));
  await svc.start(settings.host);
  return { settings, control, hub: svc.api as NotifierHub, stop: () => svc.shutdown() };
}

const retry = (detail = 'HTTP 503: unavailable', retryAfterMs?: number) => ({ outcome: 'retry' as const, detail, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);
const series = (text: string, notifier: string, outcome: string) => {
  const m = new RegExp(`^outrider_notifications_total\\{notifier="${notifier.replace('/', '\\/')}",outcome="${outcome}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
};

describe('notifier outbox delivery', () => {
  it('sends a queued notification once and counts it sent', async () => {
    const t = await setup();
    const n = t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    expect(t.hub.stats()).toEqual([{ notifier: 'fake/a', pending: 1, sent: 0, rejected: 0, dead: 0 }]);
    await t.settings.clock.advance(0);
    expect(t.control.attempts.map((a) => a.notification.id)).toEqual([n.id]);
    expect(t.hub.stats()).toEqual([{ notifier: 'fake/a', pending: 0, sent: 1, rejected: 0, dead: 0 }]);
    await t.settings.clock.advance(3_600_000);
    expect(t.control.attempts).toHaveLength(1);
    const text = await t.settings.render();
    expect(series(text, 'fake/a', 'sent')).toBe(1);
    // the other outcomes' series exist at 0
    expect(text).toContain('outrider_notifications_total{notifier="fake/a",outcome="dead"} 0');
    await t.stop();
  });

  it('retries with exponential backoff (5s doubling, capped at 5m) drawn with full jitter', async () => {
    const t = await setup();
    t.control.answers.push(...Array.from({ length: 9 }, () => retry()));
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await t.settings.clock.advance(1_000_000);
    expect(gaps(t.control.attempts.map((a) => a.at))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    await t.stop();

    // the jitter draws each wait from [0, bound]: with random() = 0.5 every wait is half its bound
    const half = await setup({ 'fake/a': {} }, { random: () => 0.5 });
    half.control.answers.push(retry(), retry(), retry());
    half.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await half.settings.clock.advance(60_000);
    expect(gaps(half.control.attempts.map((a) => a.at))).toEqual([2_500, 5_000, 10_000]);
    expect(series(await half.settings.render(), 'fake/a', 'retried')).toBe(3);
    expect(series(await half.settings.render(), 'fake/a', 'sent')).toBe(1);
    await half.stop();
  });

  it('honours Retry-After when it is longer than the backoff, for every group of that notifier', async () => {
    const t = await setup({ 'fake/a': {} }, { random: () => 0 });
    t.control.answers.push(retry('HTTP 429: rate_limited', 30_000));
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    t.hub.enqueue(notificationFor('fake/a', 'payments'));
    await t.settings.clock.advance(120_000);
    const [first, second, third] = t.control.attempts;
    expect(t.control.attempts).toHaveLength(3);
    expect(first!.notification.groupLabels.service_name).toBe('checkout');
    // nothing goes to the rate-limited peer before its Retry-After
    expect(second!.at - first!.at).toBe(30_000);
    expect(third!.at - first!.at).toBe(30_000);
    expect(t.hub.stats()[0]).toMatchObject({ pending: 0, sent: 2 });
    await t.stop();
  });

  it('does not retry a rejected notification and logs the answer without the secret', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const t = await setup({ 'fake/a': { token: 'tok-SECRET-123' } }, { settings: testSettings('notifiers', { logger }) });
    t.control.answers.push({ outcome: 'rejected', detail: 'HTTP 400: invalid token tok-SECRET-123' });
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await t.settings.clock.advance(3_600_000);
    expect(t.control.attempts).toHaveLength(1);
    expect(t.hub.stats()).toEqual([{ notifier: 'fake/a', pending: 0, sent: 0, rejected: 1, dead: 0 }]);
    expect(series(await t.settings.render(), 'fake/a', 'rejected')).toBe(1);
    const log = lines.join('');
    expect(log).toContain('invalid token <redacted>');
    expect(log).toContain('fake/a');
    expect(log).not.toContain('tok-SECRET-123');
    expect(t.hub.outboxRows({ state: 'rejected' })[0]!.lastError).toBe('HTTP 400: invalid token <redacted>');
    await t.stop();
  });

  it('moves a notification to the dead letters after retry.max_elapsed_time, visible and counted', async () => {
    const t = await setup({ 'fake/a': { retry: { max_elapsed_time: '10m' } } });
    t.control.answers.push(...Array.from({ length: 50 }, () => retry()));
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await t.settings.clock.advance(3_600_000);
    // attempts at 0, 5s, 15s, 35s, 75s, 155s, 315s; the next (615s) would pass 10m
    expect(t.control.attempts.map((a) => a.at - t.control.attempts[0]!.at)).toEqual([0, 5_000, 15_000, 35_000, 75_000, 155_000, 315_000]);
    expect(t.hub.stats()).toEqual([{ notifier: 'fake/a', pending: 0, sent: 0, rejected: 0, dead: 1 }]);
    const text = await t.settings.render();
    expect(series(text, 'fake/a', 'dead')).toBe(1);
    expect(series(text, 'fake/a', 'retried')).toBe(6);
    const dead = t.hub.outboxRows({ state: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 7, lastError: 'HTTP 503: unavailable' });
    await t.stop();
  });

  it('defaults to one hour before the dead letters', async () => {
    const t = await setup();
    t.control.answers.push(...Array.from({ length: 50 }, () => retry()));
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await t.settings.clock.advance(3_000_000);
    expect(t.hub.stats()[0]).toMatchObject({ pending: 1, dead: 0 });
    await t.settings.clock.advance(1_200_000);
    expect(t.hub.stats()[0]).toMatchObject({ pending: 0, dead: 1 });
    expect(t.control.attempts.at(-1)!.at - t.control.attempts[0]!.at).toBeLessThanOrEqual(3_600_000);
    await t.stop();
  });

  it('keeps a notifier’s minimum interval between sends', async () => {
    const t = await setup({ 'fake/a': { min_interval_ms: 1000 }, 'fake/b': {} });
    for (const g of ['a', 'b', 'c']) t.hub.enqueue(notificationFor('fake/a', g));
    for (const g of ['a', 'b', 'c']) t.hub.enqueue(notificationFor('fake/b', g));
    await t.settings.clock.advance(10_000);
    const at = (id: string) => t.control.attempts.filter((a) => a.notifier === id).map((a) => a.at - t.control.attempts[0]!.at);
    expect(at('fake/a')).toEqual([0, 1_000, 2_000]);
    expect(at('fake/b')).toEqual([0, 0, 0]);
    await t.stop();
  });

  it('sends a group’s resolve only after its trigger, while other groups go ahead', async () => {
    const t = await setup();
    t.control.answers.push(retry(), { outcome: 'sent' }, retry());
    t.hub.enqueue(notificationFor('fake/a', 'checkout', 'trigger'));
    t.hub.enqueue(notificationFor('fake/a', 'checkout', 'resolve'));
    t.hub.enqueue(notificationFor('fake/a', 'payments', 'trigger'));
    await t.settings.clock.advance(60_000);
    const seen = t.control.attempts.map((a) => `${a.notification.groupLabels.service_name}:${a.notification.action}`);
    // checkout's trigger fails twice: payments goes ahead, checkout's resolve waits for its trigger
    expect(seen).toEqual(['checkout:trigger', 'payments:trigger', 'checkout:trigger', 'checkout:trigger', 'checkout:resolve']);
    expect(t.hub.stats()[0]).toMatchObject({ pending: 0, sent: 3 });
    await t.stop();
  });

  it('does not queue an acknowledge for a notifier that does not understand it', async () => {
    const t = await setup({ 'fake/a': {}, 'fake/ack': { acknowledges: true } });
    expect(t.hub.acknowledges('fake/a')).toBe(false);
    expect(t.hub.acknowledges('fake/ack')).toBe(true);
    t.hub.enqueue(notificationFor('fake/a', 'checkout', 'acknowledge'));
    t.hub.enqueue(notificationFor('fake/ack', 'checkout', 'acknowledge'));
    await t.settings.clock.advance(1_000);
    expect(t.control.attempts.map((a) => a.notifier)).toEqual(['fake/ack']);
    expect(t.hub.outboxRows()).toHaveLength(1);
    await t.stop();
  });

  it('aborts an attempt at its timeout and retries it', async () => {
    const t = await setup({ 'fake/a': { timeout: '2s' } }, { random: () => 0 });
    t.control.answers.push('hang');
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    t.control.answers.push('hang');
    await t.settings.clock.advance(1_999);
    expect(t.hub.stats()[0]).toMatchObject({ pending: 1 });
    await t.settings.clock.advance(1);
    expect(t.control.attempts).toHaveLength(2);
    expect(t.hub.outboxRows()[0]).toMatchObject({ state: 'sending', attempts: 2, lastError: 'no answer within 2000 ms' });
    await t.settings.clock.advance(2_000);
    expect(t.control.attempts).toHaveLength(3);
    expect(t.hub.stats()[0]).toMatchObject({ pending: 0, sent: 1 });
    expect(series(await t.settings.render(), 'fake/a', 'retried')).toBe(2);
    await t.stop();
  });

  it('prunes finished rows after seven days, keeping the notifier’s stats line', async () => {
    const t = await setup({ 'fake/a': {}, 'fake/b': {} });
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await t.settings.clock.advance(0);
    await t.settings.clock.advance(6 * 86_400_000);
    expect(t.hub.outboxRows()).toHaveLength(1);
    await t.settings.clock.advance(2 * 86_400_000);
    expect(t.hub.outboxRows()).toEqual([]);
    expect(t.hub.stats()).toEqual([{ notifier: 'fake/a', pending: 0, sent: 0, rejected: 0, dead: 0 }, { notifier: 'fake/b', pending: 0, sent: 0, rejected: 0, dead: 0 }]);
    await t.stop();
  });

  it('logs a store that fails under the loop instead of throwing from its timer', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (s: string) => lines.push(s) });
    const t = await setup({ 'fake/a': {} }, { settings: testSettings('notifiers', { logger }) });
    t.control.answers.push(retry());
    t.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await t.settings.clock.advance(0);
    t.settings.store.close();
    await expect(t.settings.clock.advance(10_000)).resolves.toBeUndefined();
    expect(lines.join('')).toContain('cannot read the notification outbox');
    await t.stop();
  });

  it('after a restart resumes pending and in-flight rows and never re-sends sent ones', async () => {
    const settings = testSettings('notifiers');
    const first = await setup({ 'fake/a': {}, 'fake/b': {} }, { settings });
    first.control.answers.push({ outcome: 'sent' }, 'hang');
    const sent = first.hub.enqueue(notificationFor('fake/a', 'checkout'));
    await settings.clock.advance(0);
    const inFlight = first.hub.enqueue(notificationFor('fake/a', 'payments'));
    const queued = first.hub.enqueue(notificationFor('fake/a', 'payments', 'resolve'));
    first.control.answers.push(retry());
    const retrying = first.hub.enqueue(notificationFor('fake/b', 'checkout'));
    await settings.clock.advance(0);
    expect(first.control.attempts.map((a) => a.notification.id)).toEqual([sent.id, inFlight.id, retrying.id]);
    await first.stop();
    expect(first.control.closed.sort()).toEqual(['fake/a', 'fake/b']);

    // the same store, a new service: the in-flight and queued rows go out, in their group's order
    const second = await setup({ 'fake/a': {}, 'fake/b': {} }, { settings });
    await settings.clock.advance(60_000);
    expect(second.control.attempts.map((a) => a.notification.id)).toEqual([inFlight.id, queued.id, retrying.id]);
    expect(second.hub.stats()).toEqual([
      { notifier: 'fake/a', pending: 0, sent: 3, rejected: 0, dead: 0 },
      { notifier: 'fake/b', pending: 0, sent: 1, rejected: 0, dead: 0 },
    ]);
    expect(second.hub.outboxRows({ notifier: 'fake/a' }).find((r) => r.id === inFlight.id)!.attempts).toBe(2);
    await second.stop();
  });
});

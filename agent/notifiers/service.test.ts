// The `notifiers` section and the channels API: every problem with its key path, file channels
// redacted, API channels validated, stored, restored after a restart, and file ids protected.
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../component.js';
import { factoryMap } from '../factories.js';
import { OutriderError } from '../errors.js';
import { loadConfig } from '../../config/loader.js';
import { testSettings, type TestSettings } from '../../test/kit/settings.js';
import { fakeNotifierControl, fakeNotifierFactory, notificationFor } from '../../test/kit/fake-notifier.js';
import { builtinNotifiers } from './registry.js';
import { createNotifierServiceFactory, notifiersServiceFactory, type NotifierHub } from './service.js';

const PD_KEY = 'R0123456789abcdefABCDEF012345678';
const pipelines = 'receivers: { otlp: }\nexporters: { debug: }\nservice: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }\n';
const lines = (yaml: string) => loadConfig({ yaml: yaml + pipelines }, factoryMap(), {}).problems.map(formatProblem);

async function hub(section: Record<string, unknown>, settings: TestSettings = testSettings('notifiers')) {
  const control = fakeNotifierControl();
  const factory = createNotifierServiceFactory([...builtinNotifiers, fakeNotifierFactory(control)]);
  const svc = factory.create(settings, factory.parse(section));
  await svc.start(settings.host);
  return { settings, control, hub: svc.api as NotifierHub, stop: () => svc.shutdown() };
}

describe('notifiers config section', () => {
  it('validates each notifier with its type’s schema, problems under notifiers.<type>/<name>', () => {
    expect(lines(`notifiers:
  slack/oncall: {}
  pagerduty/primary: { routing_key: nope, severity: high }
  opsgenie/ops: { api_key: k, region: mars, retry: { max_elapsed_time: 5 } }
  sms/x: { to: '+1' }
`)).toEqual([
      'notifiers.slack/oncall.webhook_url: expected a URL string',
      'notifiers.pagerduty/primary.routing_key: must be the 32-character integration key',
      'notifiers.pagerduty/primary.severity: unknown key',
      'notifiers.opsgenie/ops.retry.max_elapsed_time: a duration needs a unit (ms, s, m, h), got 5',
      "notifiers.opsgenie/ops.region: expected one of 'us', 'eu', got string 'mars'",
      "notifiers.sms/x: unknown notifier type 'sms' (known: alertmanager, email, opsgenie, pagerduty, slack, teams, webhook)",
    ]);
  });

  it('accepts the design’s example with delivery settings and fills their defaults', () => {
    const r = loadConfig({ yaml: `notifiers:
  slack/oncall: { webhook_url: "https://hooks.slack.com/services/T0/B0/x", timeout: 5s, retry: { max_elapsed_time: 2h } }
  pagerduty/primary: { routing_key: ${PD_KEY} }
  opsgenie/ops: { api_key: key, region: eu }
${pipelines}` }, factoryMap(), {});
    expect(r.problems).toEqual([]);
    const section = r.config!.services.find((s) => s.type === 'notifiers')!.config as Record<string, { delivery: unknown }>;
    expect(Object.keys(section)).toEqual(['slack/oncall', 'pagerduty/primary', 'opsgenie/ops']);
    expect(section['slack/oncall']!.delivery).toEqual({ timeout: 5_000, retry: { initial_interval: 5_000, max_interval: 300_000, multiplier: 2, max_elapsed_time: 7_200_000 } });
    expect(section['pagerduty/primary']!.delivery).toEqual({ timeout: 10_000, retry: { initial_interval: 5_000, max_interval: 300_000, multiplier: 2, max_elapsed_time: 3_600_000 } });
  });

  it('does not open the store when no notifier is configured and no database exists', async () => {
    const settings = testSettings('notifiers');
    const store = { path: '/nonexistent/dir/outrider.db', get handle(): never { throw new Error('opened') } };
    const host = { ...settings.host, service: () => store } as unknown as TestSettings['host'];
    const svc = notifiersServiceFactory.create(settings, notifiersServiceFactory.parse({}));
    await svc.start(host);
    expect(svc.api.stats()).toEqual([]);
    expect(svc.api.channels()).toEqual([]);
    await svc.shutdown();
  });
});

describe('channels', () => {
  it('lists file channels with secrets redacted', async () => {
    const t = await hub({ 'pagerduty/primary': { routing_key: PD_KEY, timeout: '5s' }, 'fake/a': { token: 'SECRET-TOKEN' } });
    expect(t.hub.channels()).toEqual([
      { id: 'fake/a', type: 'fake', config: { token: '<redacted>' }, source: 'file' },
      { id: 'pagerduty/primary', type: 'pagerduty', config: { routing_key: '<redacted>', timeout: '5s' }, source: 'file' },
    ]);
    expect(t.hub.has('pagerduty/primary')).toBe(true);
    expect(t.hub.has('slack/none')).toBe(false);
    await t.stop();
  });

  it('adds, replaces and deletes API channels, validated like the file, and restores them after a restart', async () => {
    const settings = testSettings('notifiers');
    const t = await hub({ 'fake/file': {} }, settings);
    expect(t.hub.putChannel('fake/api', { token: 'SECRET-1', min_interval_ms: 10 })).toEqual({ id: 'fake/api', type: 'fake', config: { token: '<redacted>', min_interval_ms: 10 }, source: 'api' });
    t.hub.putChannel('fake/api', { token: 'SECRET-2' });
    t.hub.putChannel('fake/gone', {});
    expect(t.hub.deleteChannel('fake/gone')).toBe(true);
    expect(t.hub.deleteChannel('fake/gone')).toBe(false);
    expect(() => t.hub.putChannel('pagerduty/x', { routing_key: 'short' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATA', message: 'notifiers.pagerduty/x.routing_key: must be the 32-character integration key' }));
    expect(() => t.hub.putChannel('sms/x', {})).toThrowError(/unknown notifier type 'sms'/);
    const conflict = (() => { try { t.hub.putChannel('fake/file', {}); } catch (e) { return e; } })() as OutriderError;
    expect(conflict).toBeInstanceOf(OutriderError);
    expect(conflict).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect(() => t.hub.deleteChannel('fake/file')).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
    await t.stop();

    const again = await hub({ 'fake/file': {} }, settings);
    expect(again.hub.channels().map((c) => [c.id, c.source])).toEqual([['fake/api', 'api'], ['fake/file', 'file']]);
    again.hub.enqueue(notificationFor('fake/api', 'checkout'));
    await settings.clock.advance(0);
    expect(again.control.attempts.map((a) => a.notifier)).toEqual(['fake/api']);
    await again.stop();
  });

  it('test(id) sends a sample notification straight away, without the outbox', async () => {
    const t = await hub({ 'fake/a': {} });
    await expect(t.hub.test('fake/a')).resolves.toEqual({ outcome: 'sent', detail: undefined });
    expect(t.control.attempts[0]!.notification).toMatchObject({ action: 'trigger', severity: 'info', commonAnnotations: { summary: 'Test notification from Outrider' } });
    expect(t.hub.outboxRows()).toEqual([]);
    await expect(t.hub.test('fake/none')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await t.stop();
  });

  it('deleting an API channel moves its queued notifications to the dead letters', async () => {
    const t = await hub({});
    t.hub.putChannel('fake/api', {});
    t.control.answers.push({ outcome: 'retry', detail: 'HTTP 503' });
    t.hub.enqueue(notificationFor('fake/api', 'checkout'));
    await t.settings.clock.advance(0);
    t.hub.deleteChannel('fake/api');
    expect(t.hub.stats()).toEqual([{ notifier: 'fake/api', pending: 0, sent: 0, rejected: 0, dead: 1 }]);
    await t.stop();
  });
});

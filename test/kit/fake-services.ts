// The fake alerting and notifier APIs as agent services (sections `alerting`, `notifiers`), so an
// in-process agent's admin server finds them through the host as it will find the real ones.
import { z } from 'zod';
import { ALERTING } from '../../agent/alerting/api.js';
import { once } from '../../agent/component.js';
import { NOTIFIERS } from '../../agent/notifiers/api.js';
import { defineService, type ServiceFactory } from '../../agent/service.js';
import { FakeAlerting } from './fake-alerting.js';
import { FakeNotifiers } from './fake-notifiers.js';

const anySection = z.record(z.string(), z.unknown()).prefault({});

/** A service `alerting` serving `api` (its section is accepted as is). */
export function fakeAlertingService(api: FakeAlerting): ServiceFactory {
  return defineService('alerting', 'alerting', anySection, () => ({ key: ALERTING, api, start: async () => {}, shutdown: once(async () => {}) }));
}

/** A service `notifiers` whose file channels are its section's entries. */
export function fakeNotifiersService(onCreate?: (api: FakeNotifiers) => void): ServiceFactory {
  return defineService('notifiers', 'notifiers', anySection, (_s, config) => {
    const api = new FakeNotifiers(config as Record<string, Record<string, unknown>>);
    onCreate?.(api);
    return { key: NOTIFIERS, api, start: async () => {}, shutdown: once(async () => {}) };
  });
}

// The notifier service on a fake clock with real notifiers talking to a local SaaS server: time moves
// only when the test advances it; answers arrive over real loopback sockets (bounded polling).
import type { NotifierFactory } from '../../../agent/notifiers/api.js';
import { createNotifierServiceFactory, type NotifierHub } from '../../../agent/notifiers/service.js';
import { flushMicrotasks } from '../fake-clock.js';
import { testSettings, type TestSettings } from '../settings.js';

export interface NotifierHarness {
  settings: TestSettings;
  hub: NotifierHub;
  /** Polls (real time, at most `maxMs`, 5 ms apart) until `cond` holds; throws naming `what` otherwise. */
  waitFor(cond: () => boolean, what: string, maxMs?: number): Promise<void>;
  /** Advances the fake clock by `ms`, then lets socket callbacks run. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the notifiers service with `factories` and the `notifiers` section `section`. */
export async function notifierHarness(factories: readonly NotifierFactory[], section: Record<string, unknown>, opts: { random?: () => number; settings?: TestSettings } = {}): Promise<NotifierHarness> {
  const settings = opts.settings ?? testSettings('notifiers');
  const factory = createNotifierServiceFactory(factories, { random: opts.random ?? (() => 1) });
  const svc = factory.create(settings, factory.parse(section));
  await svc.start(settings.host);
  const waitFor = async (cond: () => boolean, what: string, maxMs = 5_000) => {
    for (let spent = 0; !cond(); spent += 5) {
      if (spent >= maxMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
      await settings.clock.advance(0);
    }
  };
  return {
    settings, hub: svc.api as NotifierHub, waitFor,
    advance: async (ms) => { await settings.clock.advance(ms); await flushMicrotasks(); },
    stop: () => svc.shutdown(),
  };
}

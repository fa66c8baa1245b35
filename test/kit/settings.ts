// Settings and a Host for unit tests: silent logger, a real meter, registry and signals, an
// in-memory store, and a fake clock the test advances by hand.
import { pino } from 'pino';
import type { CreateSettings, Host, StatusKind } from '../../agent/component.js';
import type { Clock } from '../../agent/clock.js';
import { METRICS, PrometheusRegistry } from '../../agent/metric-registry.js';
import { createSelfTelemetry, type SelfTelemetry } from '../../agent/self-telemetry.js';
import type { ServiceKey } from '../../agent/service.js';
import { STORE } from '../../agent/services/store-service.js';
import { signalsConfigSchema, type SignalsConfig } from '../../agent/signals/config.js';
import { SIGNALS, SignalStore } from '../../agent/signals/signals.js';
import { Store } from '../../agent/store/store.js';
import { FakeClock } from './fake-clock.js';

/** Everything a unit test of a component needs, from one call. */
export interface TestSettings extends CreateSettings {
  clock: FakeClock;
  registry: PrometheusRegistry;
  signals: SignalStore;
  store: Store;
  telemetry: SelfTelemetry;
  /** A Host serving the registry, signals and store; statuses reported land in `statuses`. */
  host: Host;
  statuses: Array<{ status: StatusKind; reason?: string }>;
  /** The /metrics text (Prometheus 0.0.4) as it would be scraped now. */
  render(): Promise<string>;
}

export interface TestSettingsOptions {
  pipeline?: string;
  /** A clock other than a new FakeClock (e.g. `systemClock` for tests against real servers). */
  clock?: Clock;
  signals?: Partial<SignalsConfig>;
  logger?: CreateSettings['logger'];
}

/** One complete set of settings for unit tests; `id` names the component. */
export function testSettings(id: string, opts: TestSettingsOptions | string = {}): TestSettings {
  const o: TestSettingsOptions = typeof opts === 'string' ? { pipeline: opts } : opts;
  const clock = (o.clock ?? new FakeClock()) as FakeClock;
  const telemetry = createSelfTelemetry();
  const registry = new PrometheusRegistry({ selfTelemetry: telemetry.exporter, now: () => clock.now() });
  const signals = new SignalStore(clock, signalsConfigSchema.parse(o.signals ?? {}));
  const store = new Store(':memory:');
  const statuses: TestSettings['statuses'] = [];
  const host = testHost([[METRICS, registry], [SIGNALS, signals], [STORE, store]], statuses);
  return {
    id, pipeline: o.pipeline, logger: o.logger ?? pino({ level: 'silent' }), meter: telemetry.meter, clock,
    registry, signals, store, telemetry, host, statuses,
    render: async () => (await registry.render(undefined)).body,
  };
}

/** A Host serving the given services; status reports are pushed to `statuses`. */
export function testHost(services: ReadonlyArray<readonly [ServiceKey<any>, unknown]> = [], statuses: Array<{ status: StatusKind; reason?: string }> = []): Host {
  const map = new Map<string, unknown>(services.map(([k, v]) => [k.name, v]));
  return {
    service<T>(key: ServiceKey<T>): T {
      if (!map.has(key.name)) throw new Error(`the agent runs no '${key.name}' service`);
      return map.get(key.name) as T;
    },
    findService: <T>(key: ServiceKey<T>) => map.get(key.name) as T | undefined,
    reportStatus: (status, reason) => { statuses.push({ status, reason }); },
    reportFatal: (err) => { statuses.push({ status: 'failed', reason: err.message }); },
  };
}

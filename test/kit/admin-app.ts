// An admin server for API tests: the real fastify app over fake alerting and notifier services,
// a real signals store, SQLite store and registry, a fake clock; requests through `app.inject()`.
import type { FastifyInstance } from 'fastify';
import { ALERTING } from '../../agent/alerting/api.js';
import { AuditLog } from '../../agent/admin/audit.js';
import { TokenSet } from '../../agent/admin/auth.js';
import { adminConfigSchema } from '../../agent/admin/config.js';
import { adminContext } from '../../agent/admin/context.js';
import { FailureLimiter } from '../../agent/admin/rate-limit.js';
import { secretValues } from '../../agent/admin/redact.js';
import { buildAdminApp } from '../../agent/admin/server.js';
import { CONTROL, type AgentControl } from '../../agent/control.js';
import { METRICS } from '../../agent/metric-registry.js';
import { NOTIFIERS } from '../../agent/notifiers/api.js';
import type { ServiceKey } from '../../agent/service.js';
import { EXPOSITION } from '../../agent/services/metrics-service.js';
import { STORE } from '../../agent/services/store-service.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { STATUS, StatusBoard } from '../../agent/status.js';
import { CounterSampler } from '../../agent/admin/counters.js';
import { SLO } from '../../processors/slo/api.js';
import { SloRegistry } from '../../processors/slo/service.js';
import type { SloStatus } from '../../processors/slo/evaluate.js';
import { FakeAlerting } from './fake-alerting.js';
import { FakeNotifiers, fakeNotifierFactories } from './fake-notifiers.js';
import { testHost, testSettings, type TestSettings } from './settings.js';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const OPS_TOKEN = 'ops-token-0123456789abcdef';

export interface TestAdmin {
  app: FastifyInstance;
  settings: TestSettings;
  alerting: FakeAlerting;
  notifiers: FakeNotifiers;
  slos: SloRegistry;
  board: StatusBoard;
  /** The config tree /api/config redacts; reload() counts calls. */
  tree: Record<string, unknown>;
  reloads: number;
  /** Authorization header of `admin.token` (name `admin`). */
  auth: { authorization: string };
  close(): Promise<void>;
}

export interface TestAdminOptions {
  tree?: Record<string, unknown>;
  openReads?: boolean;
  /** Omit services to see the 503s. */
  without?: Array<'alerting' | 'notifiers' | 'slo'>;
  fileChannels?: Record<string, Record<string, unknown>>;
  fileRules?: Array<Record<string, unknown>>;
  slos?: SloStatus[];
  failureLimit?: number;
  logger?: TestSettings['logger'];
}

/** A handcrafted SLO status (what the slo processor's evaluate returns). */
export function sloStatus(name: string, over: Partial<SloStatus> = {}): SloStatus {
  const burnRates = { '5m': 2, '30m': 1.5, '1h': 1.2, '2h': 1, '6h': 0.8, '1d': 0.5, '3d': 0.4, '30d': 0.3 };
  return {
    name, service: 'checkout', objective: 0.99, window: '30d', sli: 0.997, good: 997, total: 1000, errorBudgetRemaining: 0.7,
    exhaustionSeconds: Infinity, windows: {}, burnRates,
    tiers: [{ severity: 'page', long: '1h', short: '5m', budgetPercent: 2, longHours: 1, factor: 14.4, burnRate: 1.2, firing: false }],
    ...over,
  };
}

export async function startTestAdmin(o: TestAdminOptions = {}): Promise<TestAdmin> {
  const settings = testSettings('admin', { logger: o.logger });
  const alerting = new FakeAlerting(() => settings.clock.now(), o.fileRules ?? []);
  const notifiers = new FakeNotifiers(o.fileChannels ?? {});
  const slos = new SloRegistry();
  const statuses = o.slos ?? [sloStatus('checkout-availability')];
  slos.attach('slo', { list: () => statuses, get: (n) => statuses.find((s) => s.name === n), badTraceIds: () => ['0af7651916cd43dd8448eb211c80319c'] });
  const board = new StatusBoard(settings.clock);
  board.set('receiver:otlp', 'ok');
  board.set('exporter:otlp/jaeger', 'degraded', 'peer unavailable');
  const tree = o.tree ?? { admin: { token: ADMIN_TOKEN } };
  const t: Partial<TestAdmin> = { tree, reloads: 0 };
  const control: AgentControl = {
    startedAt: settings.clock.now(),
    config: () => ({ tree, pipelines: [{ name: 'traces', signal: 'traces', receivers: ['otlp'], processors: ['slo'], exporters: ['otlp/jaeger'] }], components: new Map() }) as never,
    reload: async () => { t.reloads!++; return { outcome: 'ok', problems: [], created: [], kept: [], stopped: [] }; },
  };
  const without = new Set(o.without ?? []);
  const services: Array<[ServiceKey<any>, unknown]> = [
    [METRICS, settings.registry], [EXPOSITION, settings.registry], [SIGNALS, settings.signals], [STORE, settings.store],
    [STATUS, board], [CONTROL, control],
  ];
  if (!without.has('alerting')) services.push([ALERTING, alerting]);
  if (!without.has('notifiers')) services.push([NOTIFIERS, notifiers]);
  if (!without.has('slo')) services.push([SLO, slos]);
  const host = testHost(services);
  const config = adminConfigSchema.parse({ token: ADMIN_TOKEN, tokens: [{ name: 'ops', token: OPS_TOKEN }], open_reads: o.openReads ?? false, auth_failures: { limit: o.failureLimit ?? 10, window: '1m' } });
  const ctx = adminContext({
    host, clock: settings.clock, logger: settings.logger, version: '0.0.0-test', notifierFactories: fakeNotifierFactories,
    audit: new AuditLog(settings.store), secrets: () => secretValues(tree, fakeNotifierFactories),
  });
  const sampler = new CounterSampler(settings.registry, settings.clock);
  const app = await buildAdminApp({ ctx, tokens: new TokenSet(config), limiter: new FailureLimiter(settings.clock, config.auth_failures.limit, config.auth_failures.window), openReads: config.open_reads, sampler });
  sampler.start();
  Object.assign(t, {
    app, settings, alerting, notifiers, slos, board, auth: { authorization: `Bearer ${ADMIN_TOKEN}` },
    close: async () => { sampler.stop(); await app.close(); settings.store.close(); },
  });
  return t as TestAdmin;
}

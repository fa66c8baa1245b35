// The alerting service on the fake clock, with a notifier recorder and the signals a test writes.
import { alertingServiceFactory } from '../../agent/alerting/service.js';
import type { AlertingApi } from '../../agent/alerting/api.js';
import type { Service } from '../../agent/service.js';
import { METRICS } from '../../agent/metric-registry.js';
import { NOTIFIERS } from '../../agent/notifiers/api.js';
import { STORE } from '../../agent/services/store-service.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { SLO, type SloBoard } from '../../processors/slo/api.js';
import { notifierRecorder, type NotifierRecorder } from './notifier-recorder.js';
import { testHost, testSettings, type TestSettings } from './settings.js';

export interface AlertingHarness {
  s: TestSettings;
  rec: NotifierRecorder;
  api: AlertingApi;
  svc: Service<AlertingApi>;
  /** Stops this instance and starts a new one over the same store and clock (a restart). */
  restart(cfg?: object): Promise<AlertingHarness>;
}

export interface HarnessOptions {
  notifiers?: string[];
  acknowledging?: string[];
  settings?: TestSettings;
  slo?: SloBoard;
  rec?: NotifierRecorder;
}

/** Starts the `alerting` service with `cfg` (the `alerting` section). */
export async function startAlerting(cfg: object, o: HarnessOptions = {}): Promise<AlertingHarness> {
  const s = o.settings ?? testSettings('alerting');
  const rec = o.rec ?? notifierRecorder(o.notifiers ?? ['slack/oncall', 'pagerduty/primary', 'email/team', 'teams/dev'], o.acknowledging ?? ['pagerduty/primary'], () => s.clock.now());
  const services: Array<readonly [{ name: string }, unknown]> = [[METRICS, s.registry], [SIGNALS, s.signals], [STORE, s.store], [NOTIFIERS, rec]];
  if (o.slo) services.push([SLO, o.slo]);
  const host = testHost(services as never, s.statuses);
  const svc = alertingServiceFactory.create(s, alertingServiceFactory.parse(cfg));
  await svc.start(host);
  const h: AlertingHarness = {
    s, rec, api: svc.api, svc,
    restart: async (next = cfg) => { await svc.shutdown(); return startAlerting(next, { ...o, settings: s, rec }); },
  };
  return h;
}

export const SPAN_LABELS = ['service_name', 'span_name', 'span_kind', 'status_code', 'otel_metric_overflow'] as const;

/** Adds `n` spans of a service to `span_calls` (status ERROR when `error`). */
export function spans(s: TestSettings, service: string, n: number, error = false, span = 'GET /pay'): void {
  s.signals.counter('span_calls', SPAN_LABELS).series([service, span, 'SPAN_KIND_SERVER', error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET', '']).add(n);
}

// The alerting engine: evaluates every rule each evaluation_interval over the signals service
// (one SQLite transaction per evaluation), keeps the alerts' lifecycle, and hands firing and
// resolved alerts to the dispatcher; serves the AlertingApi.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Counter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { CreateSettings, Host } from '../component.js';
import type { Timer } from '../clock.js';
import { errors } from '../errors.js';
import { NOTIFIERS, type NotifierService } from '../notifiers/api.js';
import { STORE } from '../services/store-service.js';
import { SIGNALS, type Signals } from '../signals/signals.js';
import { SLO, type SloBoard } from '../../processors/slo/api.js';
import { AlertStore } from './alert-store.js';
import { AlertBook } from './alerts.js';
import type { AlertingApi, AlertStats, RuleRecord, Silence } from './api.js';
import { notifierIds, type AlertingConfig, type RuleConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { Escalator } from './escalation.js';
import { matchersOf, QueryCache } from './metrics.js';
import { SEVERITIES, type AlertRecord, type AlertState, type Severity } from './model.js';
import { buildTree } from './routing.js';
import { liveRule, RuleSet } from './rules.js';
import { SLO_SOURCE, sloRule, sloSamples, sloTraceIds } from './slo-rules.js';
import { computeStats } from './stats.js';

const PRUNE_EVERY_MS = 3_600_000;
/** Labels of the `span_errors` examples (spanmetrics). */
const ERROR_TRACE_LABELS = ['service_name', 'span_name'] as const;

interface Ready { book: AlertBook; store: AlertStore; rules: RuleSet; dispatcher: Dispatcher }

export class AlertingEngine implements AlertingApi {
  private parts: Ready | undefined;
  private signals: Signals | undefined;
  private slo: SloBoard | undefined;
  private host: Host | undefined;
  private timer: Timer | undefined;
  private startedAt = 0;
  private lastPrune = 0;
  private readonly evaluations: Counter;
  private readonly failures: Counter;
  private readonly gauge: ObservableGauge;
  private readonly observe = (r: ObservableResult) => {
    const counts: Record<string, number> = { pending: 0, firing: 0, acknowledged: 0 };
    for (const a of this.parts?.book.list() ?? []) counts[a.state] = (counts[a.state] ?? 0) + 1;
    for (const [state, n] of Object.entries(counts)) r.observe(n, { state });
  };

  constructor(private readonly settings: CreateSettings, private readonly cfg: AlertingConfig) {
    const m = settings.meter;
    this.evaluations = m.createCounter('outrider_alert_evaluations', { description: 'Evaluations of the alert rules (every evaluation_interval).' });
    this.failures = m.createCounter('outrider_alert_evaluation_failures', { description: 'Rule queries or evaluations that failed, by rule.' });
    this.gauge = m.createObservableGauge('outrider_alerts', { description: 'Active alerts by state (pending, firing, acknowledged).' });
  }

  /**
   * Starts the evaluation timer. The tables are opened (and alerts and groups restored) at once
   * when the config has rules or routes or the database exists already; otherwise on first use
   * (an API call, a firing SLO tier), so an agent that alerts on nothing creates no database.
   */
  start(host: Host): void {
    if (this.host) return;
    const { clock } = this.settings;
    this.host = host;
    this.startedAt = clock.now();
    this.signals = host.findService(SIGNALS);
    this.slo = host.findService(SLO);
    const c = this.cfg;
    const path = host.service(STORE).path;
    if (c.rules.length || c.routes.length || c.default_notifiers.length || path === ':memory:' || existsSync(path)) this.open();
    this.gauge.addCallback(this.observe);
    this.timer = clock.setInterval(() => this.evaluate(), c.evaluation_interval).unref();
  }

  /** Opens the tables and restores alerts and groups from SQLite (once). */
  private open(): Ready {
    if (this.parts) return this.parts;
    const host = this.host;
    if (!host) throw errors.internal('alerting: the service is not started');
    const { clock, logger } = this.settings;
    const store = new AlertStore(host.service(STORE));
    const book = new AlertBook(store, logger);
    book.restore();
    const rules = new RuleSet(this.cfg.rules, store, () => clock.now());
    const dispatcher = new Dispatcher({
      clock, store, logger, tree: buildTree(this.cfg), inhibitRules: this.cfg.inhibit_rules, muteIntervals: this.cfg.mute_time_intervals,
      escalations: new Escalator(clock, this.cfg.escalations), notifiers: () => host.findService(NOTIFIERS),
      firing: () => book.firing(), alert: (id) => book.get(id), silences: () => store.silences(),
      traceUrl: this.cfg.trace_url_template, maxTraceLinks: this.cfg.max_trace_links,
    });
    dispatcher.restore();
    this.parts = { book, store, rules, dispatcher };
    this.checkNotifiers(host.findService(NOTIFIERS));
    return this.parts;
  }

  /** Route and escalation notifiers the notifier service does not know: a warning and a degraded status. */
  private checkNotifiers(svc: NotifierService | undefined): void {
    const ids = notifierIds(this.cfg);
    if (!svc) {
      if (ids.length) this.settings.logger.warn({ notifiers: ids }, 'alerting: no notifiers service runs; alerts are recorded but not notified');
      return;
    }
    const unknown = ids.filter((id) => !svc.has(id));
    if (unknown.length === 0) return;
    const reason = `alerting: routes name notifiers that are not configured: ${unknown.join(', ')}`;
    this.settings.logger.warn({ notifiers: unknown }, reason);
    this.host?.reportStatus('degraded', reason);
  }

  /** One evaluation of every rule (and the SLO tiers), in one transaction; then the groups learn what fires. */
  evaluate(): void {
    if (!this.host) return;
    const now = this.settings.clock.now();
    if (!this.parts && !(this.cfg.slo_alerts.enabled && this.signals && sloSamples(this.signals, 60_000).some((x) => x.value > 0))) return;
    const { book, store, rules, dispatcher } = this.open();
    const max = this.cfg.max_trace_links;
    try {
      store.tx(() => {
        const live = new Set<string>();
        const cache = this.signals ? new QueryCache(this.signals) : undefined;
        for (const [id, r] of rules.all()) {
          live.add(id);
          let samples;
          try {
            samples = cache ? cache.query(r) : [];
          } catch (err) {
            this.failures.add(1, { rule: r.name });
            this.settings.logger.warn({ err, rule: r.name }, 'alerting: rule query failed');
            continue;
          }
          book.apply(liveRule(id, r), samples, now, (l) => this.errorTraceIds(r, l), now - this.startedAt < r.window);
        }
        if (this.cfg.slo_alerts.enabled && this.signals) {
          live.add(SLO_SOURCE);
          const lookback = Math.max(2 * this.cfg.evaluation_interval, 60_000);
          book.apply(sloRule(this.cfg.slo_alerts), sloSamples(this.signals, lookback), now, (l) => sloTraceIds(this.slo, l, max), false);
        }
        book.dropRules(live, now);
        if (now - this.lastPrune >= PRUNE_EVERY_MS) { store.prune(now - this.cfg.retention); this.lastPrune = now; }
      });
      this.evaluations.add(1);
      dispatcher.update(book.firing());
    } catch (err) {
      this.failures.add(1, { rule: '' });
      this.settings.logger.error({ err }, 'alerting: evaluation failed');
    }
  }

  /** Example traces of a span_error_ratio alert: recent error spans of its service (and span name) in the rule's window. */
  private errorTraceIds(r: RuleConfig, labels: Record<string, string>): string[] {
    if (r.metric !== 'span_error_ratio' || !this.signals) return [];
    const m: Record<string, string | RegExp> = {};
    const rm = matchersOf(r);
    for (const k of ERROR_TRACE_LABELS) {
      if (labels[k] !== undefined) m[k] = labels[k]!;
      else if (rm[k] !== undefined) m[k] = rm[k]!;
    }
    return this.signals.traceIds('span_errors', m, r.window, this.cfg.max_trace_links);
  }

  private get ready(): Ready {
    return this.open();
  }

  alerts(filter?: { state?: AlertState }): AlertRecord[] {
    return this.ready.store.list(filter?.state);
  }

  alert(id: string): AlertRecord | undefined {
    return this.ready.book.get(id);
  }

  trigger(input: { name: string; severity: Severity; labels?: Record<string, string>; annotations?: Record<string, string> }, by: string): AlertRecord {
    if (typeof input?.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_:.-]*$/.test(input.name)) throw errors.badConfig(`alert: name must start with a letter or _ and hold letters, digits, _ : . -, got '${String(input?.name)}'`);
    if (!SEVERITIES.includes(input.severity)) throw errors.badConfig(`alert: severity must be one of ${SEVERITIES.join(', ')}, got '${String(input.severity)}'`);
    const { book, store, dispatcher } = this.ready;
    const { record } = store.tx(() => book.trigger(input, by, this.settings.clock.now()));
    dispatcher.update(book.firing());
    return record;
  }

  acknowledge(id: string, by: string, note = ''): AlertRecord | undefined {
    const { book, store, dispatcher } = this.ready;
    return store.tx(() => {
      const a = book.acknowledge(id, by, note, this.settings.clock.now());
      if (a) dispatcher.acknowledged(a);
      return a;
    });
  }

  /** Resolves by hand; the resolve goes out at the group's next flush. */
  resolve(id: string, by: string): AlertRecord | undefined {
    const { book, store } = this.ready;
    const a = store.tx(() => book.resolve(id, this.settings.clock.now()));
    if (a) this.settings.logger.info({ alert: id, by }, 'alert resolved by hand');
    return a;
  }

  stats(): AlertStats {
    return computeStats(this.ready.store.list());
  }

  rules(): RuleRecord[] { return this.ready.rules.list(); }
  addRule(rule: unknown, by: string): RuleRecord { return this.ready.rules.add(rule, by); }
  updateRule(id: string, rule: unknown, by: string): RuleRecord | undefined { return this.ready.rules.update(id, rule, by); }
  deleteRule(id: string, _by: string): boolean { return this.ready.rules.delete(id); }

  silences(): Silence[] {
    return this.ready.store.silences();
  }

  addSilence(input: Omit<Silence, 'id' | 'startsAt'> & { startsAt?: number }): Silence {
    const startsAt = input.startsAt ?? this.settings.clock.now();
    if (!Array.isArray(input.matchers) || input.matchers.length === 0) throw errors.badConfig('silence: at least one matcher is needed');
    for (const m of input.matchers) {
      if (!m || typeof m.name !== 'string' || !m.name || typeof m.value !== 'string') throw errors.badConfig('silence: each matcher needs a name and a value');
      if (m.isRegex) { try { new RegExp(m.value); } catch (e) { throw errors.badConfig(`silence: matcher '${m.name}': ${(e as Error).message}`); } }
    }
    if (!(input.endsAt > startsAt)) throw errors.badConfig('silence: endsAt must be later than startsAt');
    const s: Silence = {
      id: randomUUID(), startsAt, endsAt: input.endsAt, createdBy: input.createdBy ?? '', comment: input.comment ?? '',
      matchers: input.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: !!m.isRegex, isEqual: m.isEqual !== false })),
    };
    this.ready.store.putSilence(s);
    return s;
  }

  deleteSilence(id: string): boolean {
    return this.ready.store.deleteSilence(id);
  }

  /** Stops evaluating and the group timers; everything stays in SQLite. */
  stop(): void {
    this.timer?.cancel();
    this.parts?.dispatcher.stop();
    this.gauge.removeCallback(this.observe);
  }
}

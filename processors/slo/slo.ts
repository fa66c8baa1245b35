// The slo processor: in a traces pipeline counts every span in the SLOs of its service (weighted by
// the OTEP 235 adjusted count) and marks bad spans with `outrider.slo.bad`; in a metrics pipeline
// counts the ratio SLOs from received counters. Keeps per-minute counts in memory and SQLite, and
// publishes SLIs, budgets, burn rates and burn-rate tiers.
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { Timer } from '../../agent/clock.js';
import { METRICS, type CounterVec, type GaugeVec, type MetricRegistry } from '../../agent/metric-registry.js';
import { valueText } from '../../agent/metric-registry/labels.js';
import type { KeyValue, MetricsData, TracesData } from '../../agent/pdata/model.js';
import { AdjustedCountCache } from '../../agent/sampling/otep235.js';
import { setSpanAttribute } from '../../agent/pdata/span-edit.js';
import { STORE } from '../../agent/services/store-service.js';
import { SIGNALS, type Signal } from '../../agent/signals/signals.js';
import { SLO, type SloApi } from './api.js';
import { isBad, matches, SpanFacts } from './classify.js';
import type { SloConfig, SloDefinition } from './config.js';
import { evaluate, type SloStatus } from './evaluate.js';
import { MINUTE_MS, MinuteRing } from './minutes.js';
import { OutcomeTotals, RatioCounter } from './ratio.js';
import { RETENTION_EXTRA_MS, SloStore, type Pending } from './slo-store.js';

/** The span attribute naming the SLOs a span was a bad event of (comma-separated). */
export const BAD_ATTRIBUTE = 'outrider.slo.bad';

interface Counted { good: Float64Array; total: Float64Array; bad?: Array<[number, Uint8Array]>; commit?: () => void }

/** How long a cumulative counter series may go unreported before its last value is forgotten. */
export const SERIES_IDLE_MS = 3_600_000;

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * Counts spans (traces pipeline: the availability and latency SLOs; mutates, adding
 * `outrider.slo.bad` to bad spans) or received counters (metrics pipeline: the ratio SLOs).
 */
export class SloProcessor<D extends TracesData | MetricsData = TracesData> implements Component, Consumer<D> {
  readonly mutates: boolean;
  private readonly defs: SloDefinition[];
  private readonly rings: MinuteRing[];
  private readonly byService = new Map<string, number[]>();
  private readonly reservoirs: string[][];
  private readonly weights = new AdjustedCountCache();
  private readonly facts = new SpanFacts();
  private pending: Pending = new Map();
  private db: SloStore | undefined;
  /** Set once the rings hold what is on disk; flushes wait for it. */
  private restored = false;
  private release: (() => void) | undefined;
  private detach: (() => void) | undefined;
  private timers: Timer[] = [];
  private registry: MetricRegistry | undefined;
  private vecs: { events: CounterVec; objective: GaugeVec; sli: GaugeVec; budget: GaugeVec; exhaustion: GaugeVec; burn: GaugeVec } | undefined;
  private sig: { burn: Signal; budget: Signal; exhaustion: Signal; sli: Signal; alert: Signal } | undefined;
  private stopped = false;
  private readonly ratios: RatioCounter | undefined;
  private readonly outcomes: OutcomeTotals | undefined;
  /** Where this instance claims the store and attaches its SLOs (one per signal). */
  private readonly key: string;
  /** The SLO state for other parts of the agent. */
  readonly api: SloApi = {
    list: () => this.defs.map((d, i) => evaluate(d, this.rings[i]!, this.settings.clock.now())),
    get: (name) => { const i = this.defs.findIndex((d) => d.name === name); return i < 0 ? undefined : evaluate(this.defs[i]!, this.rings[i]!, this.settings.clock.now()); },
    badTraceIds: (name) => [...(this.reservoirs[this.defs.findIndex((d) => d.name === name)] ?? [])],
  };

  constructor(private readonly settings: CreateSettings, private readonly cfg: SloConfig, private readonly next: Consumer<D>, readonly signal: 'traces' | 'metrics' = 'traces') {
    const metrics = signal === 'metrics';
    this.defs = cfg.objectives.filter((d) => (d.sli.kind === 'ratio') === metrics);
    this.mutates = !metrics;
    this.key = metrics ? `${settings.id}:metrics` : settings.id;
    this.ratios = metrics ? new RatioCounter(this.defs, BigInt(settings.clock.now()) * 1_000_000n) : undefined;
    this.outcomes = metrics ? new OutcomeTotals(this.defs.length) : undefined;
    this.rings = this.defs.map((d) => new MinuteRing(d.window / MINUTE_MS));
    this.reservoirs = this.defs.map(() => []);
    this.defs.forEach((d, i) => {
      const l = this.byService.get(d.service) ?? [];
      l.push(i);
      this.byService.set(d.service, l);
    });
  }

  /**
   * Rebuilds the minute rings from SQLite, registers the series and starts the flush and evaluation
   * timers. A config reload starts the replacing instance beside this one: it reads the store only
   * once the old instance made its last flush and let go (a store claim), counting in memory meanwhile.
   */
  async start(host: Host): Promise<void> {
    if (this.registry || this.stopped || this.defs.length === 0) return;
    const store = host.service(STORE);
    this.db = new SloStore(store);
    this.release = store.claim(`slo:${this.key}`, () => {
      const now = this.settings.clock.now();
      this.defs.forEach((d, i) => this.db!.restore(d.name, this.rings[i]!, now));
      this.restored = true;
    });
    const reg = host.service(METRICS);
    const sw = ['slo', 'service', 'window'];
    this.vecs = {
      events: reg.counter('outrider_slo_events_total', 'Span events counted in an SLO, weighted by their adjusted count.', ['slo', 'service', 'outcome']),
      objective: reg.gauge('outrider_slo_objective_ratio', 'The SLO objective (0.999 = 99.9%).', ['slo', 'service']),
      sli: reg.gauge('outrider_slo_sli_ratio', 'Good events / all events over the window.', sw),
      budget: reg.gauge('outrider_slo_error_budget_remaining_ratio', 'Share of the error budget left over the SLO window (negative: overspent).', ['slo', 'service']),
      exhaustion: reg.gauge('outrider_slo_error_budget_exhaustion_seconds', 'Seconds until the error budget is spent at the 1h burn rate (+Inf: not burning, 0: spent).', ['slo', 'service']),
      burn: reg.gauge('outrider_slo_burn_rate', 'Error ratio over the window / (1 − objective).', sw),
    };
    this.registry = reg;
    for (const d of this.defs) {
      this.vecs.events.series([d.name, d.service, 'good']);
      this.vecs.events.series([d.name, d.service, 'bad']);
      this.vecs.objective.set([d.name, d.service], d.objective);
    }
    const signals = host.service(SIGNALS);
    this.sig = {
      burn: signals.gauge('slo_burn_rate', sw),
      budget: signals.gauge('slo_error_budget_remaining', ['slo', 'service']),
      exhaustion: signals.gauge('slo_error_budget_exhaustion_seconds', ['slo', 'service']),
      sli: signals.gauge('slo_sli', sw),
      alert: signals.gauge('slo_alert', ['slo', 'service', 'severity', 'long_window', 'short_window']),
    };
    this.detach = host.findService(SLO)?.attach(this.key, this.api);
    this.publish();
    const clock = this.settings.clock;
    this.timers = [
      clock.setInterval(() => this.flush(), this.cfg.flush_interval).unref(),
      clock.setInterval(() => this.publish(), this.cfg.evaluation_interval).unref(),
    ];
  }

  /**
   * Classifies and marks the spans (or reads the counters' increments), hands the batch on, and
   * counts it once the pipeline accepted it: a batch refused downstream and sent again is counted once.
   */
  async consume(data: D): Promise<void> {
    const counted = this.stopped || this.defs.length === 0 ? undefined
      : this.ratios ? this.ratios.count(data as MetricsData, this.settings.clock.now()) : this.classify(data as TracesData);
    await this.next.consume(data);
    if (counted) { counted.commit?.(); this.count(counted); }
  }

  private classify(td: TracesData): Counted | undefined {
    let c: Counted | undefined;
    const names: string[] = [];
    for (const rs of td.resourceSpans) {
      const idx = this.byService.get(serviceName(rs.resource?.attributes ?? []));
      if (!idx) continue;
      c ??= { good: new Float64Array(this.defs.length), total: new Float64Array(this.defs.length), bad: [] };
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          let w = -1;
          names.length = 0;
          const facts = this.facts.reset(span);
          for (let k = 0; k < idx.length; k++) {
            const i = idx[k]!;
            const d = this.defs[i]!;
            if (!matches(d, span)) continue;
            if (w < 0) w = this.weights.get(span.traceState);
            c.total[i]! += w;
            if (isBad(d, span, facts)) {
              names.push(d.name);
              if (this.reservoirs[i] && this.cfg.bad_trace_ids > 0) c.bad!.push([i, span.traceId]);
            } else c.good[i]! += w;
          }
          if (names.length) setSpanAttribute(span, BAD_ATTRIBUTE, names.join(','));
        }
      }
    }
    return c;
  }

  private count(c: Counted): void {
    const minute = Math.floor(this.settings.clock.now() / MINUTE_MS);
    for (let i = 0; i < this.defs.length; i++) {
      const total = c.total[i]!;
      const good = c.good[i]!;
      if (total === 0 && good === 0) continue;
      const d = this.defs[i]!;
      this.rings[i]!.add(minute, good, total);
      let p = this.pending.get(d.name);
      if (!p) { p = new Map(); this.pending.set(d.name, p); }
      const cell = p.get(minute);
      if (cell) { cell[0] += good; cell[1] += total; } else p.set(minute, [good, total]);
      if (this.vecs) {
        const [g, b] = this.outcomes ? this.outcomes.advance(i, good, total) : [good, total - good];
        if (g > 0) this.vecs.events.series([d.name, d.service, 'good']).add(g);
        if (b > 0) this.vecs.events.series([d.name, d.service, 'bad']).add(b);
      }
    }
    if (!c.bad) return;
    // only the newest bad_trace_ids of each SLO in the batch can stay: render those, oldest first
    const max = this.cfg.bad_trace_ids;
    const taken = new Uint16Array(this.defs.length);
    const keep: Array<[number, Uint8Array]> = [];
    for (let k = c.bad.length - 1; k >= 0; k--) {
      const e = c.bad[k]!;
      if (taken[e[0]]! < max) { taken[e[0]]!++; keep.push(e); }
    }
    for (let k = keep.length - 1; k >= 0; k--) {
      const [i, traceId] = keep[k]!;
      const r = this.reservoirs[i]!;
      const id = hex(traceId);
      if (r[r.length - 1] === id) continue;
      r.push(id);
      if (r.length > max) r.shift();
    }
  }

  /** Writes the minutes counted since the last flush to SQLite in one transaction. */
  flush(): void {
    this.ratios?.expire(this.settings.clock.now() - SERIES_IDLE_MS);
    if (!this.db || !this.restored) return;
    const pending = this.pending;
    this.pending = new Map();
    const retention = new Map(this.defs.map((d) => [d.name, d.window + RETENTION_EXTRA_MS]));
    try {
      this.db.flush(pending, retention, this.settings.clock.now());
    } catch (err) {
      // keep the counts for the next flush
      for (const [slo, minutes] of pending) {
        const p = this.pending.get(slo) ?? new Map<number, [number, number]>();
        for (const [m, [g, t]] of minutes) { const cell = p.get(m); if (cell) { cell[0] += g; cell[1] += t; } else p.set(m, [g, t]); }
        this.pending.set(slo, p);
      }
      this.settings.logger.warn({ err }, 'slo: flush to the store failed; retrying at the next interval');
    }
  }

  /** Evaluates every SLO now and publishes the results to the metric registry and the signals service. */
  publish(): SloStatus[] {
    const statuses = this.api.list();
    const v = this.vecs;
    const s = this.sig;
    if (!v || !s) return statuses;
    const at = this.settings.clock.now();
    for (const st of statuses) {
      v.budget.set([st.name, st.service], st.errorBudgetRemaining);
      s.budget.series([st.name, st.service]).set(st.errorBudgetRemaining, at);
      v.exhaustion.set([st.name, st.service], st.exhaustionSeconds);
      s.exhaustion.series([st.name, st.service]).set(st.exhaustionSeconds, at);
      for (const [w, ws] of Object.entries(st.windows)) {
        const labels = [st.name, st.service, w];
        v.sli.set(labels, ws.sli);
        v.burn.set(labels, ws.burnRate);
        s.sli.series(labels).set(ws.sli, at);
        s.burn.series(labels).set(ws.burnRate, at);
      }
      for (const t of st.tiers) s.alert.series([st.name, st.service, t.severity, t.long, t.short]).set(t.firing ? t.burnRate : 0, at);
    }
    return statuses;
  }

  readonly shutdown = once(async () => {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.flush();
    this.release?.();
    this.detach?.();
    if (this.registry && this.vecs) for (const vec of Object.values(this.vecs)) this.registry.unregister(vec);
  });
}

function serviceName(attrs: readonly KeyValue[]): string {
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.key === 'service.name') return valueText(attrs[i]!.value);
  return '';
}

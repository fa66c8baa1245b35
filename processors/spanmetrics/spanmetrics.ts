// The spanmetrics processor: RED series (calls, duration histogram) from every span, weighted by
// the OTEP 235 adjusted count, written straight into the metric registry; spans pass on unchanged.
import type { Counter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import type { Timer } from '../../agent/clock.js';
import { METRICS } from '../../agent/metric-registry.js';
import { SIGNALS, type SeriesWriter, type Signal, type Signals } from '../../agent/signals/signals.js';
import { once } from '../../agent/component.js';
import type { CounterVec, ExemplarRef, ExpHistogramVec, HistogramVec } from '../../agent/metric-registry.js';
import type { CounterSeries, ExpHistogramSeriesState, HistogramSeriesState } from '../../agent/metric-registry/instruments.js';
import { valueText } from '../../agent/metric-registry/labels.js';
import type { KeyValue, Span, TracesData } from '../../agent/pdata/model.js';
import { AdjustedCountCache } from '../../agent/sampling/otep235.js';
import { BASE_LABELS, DEFAULT_BUCKETS_MS, dimensionLabel, type SpanMetricsConfig } from './config.js';

const KIND = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
/** A bucket's exemplar is replaced at most this often (ms of span time). */
const EXEMPLAR_MIN_AGE_MS = 1000;
const STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
/** An error span's trace id is kept as an example (signals `span_errors`) at most this often per series (ms). */
const ERROR_TRACE_MIN_GAP_MS = 100;

type LookupNode = Map<string, LookupNode | Entry>;

interface Entry {
  calls: CounterSeries;
  duration: HistogramSeriesState | ExpHistogramSeriesState;
  /** The same counts in the signals service: `span_calls` and `span_duration_ms`. */
  sigCalls: SeriesWriter;
  sigDuration: SeriesWriter;
  /** Label values, to remove the series when it expires. */
  values: string[];
  /** When a span last counted in it (ms since the epoch). */
  lastMs: number;
  /** When an error span's trace id was last recorded as an example (ms). */
  traceAtMs: number;
}

function lookup(attrs: readonly KeyValue[], key: string): string | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.key === key) return valueText(attrs[i]!.value);
  return undefined;
}

/** Derives `<ns>_calls_total` and `<ns>_duration_milliseconds` from spans. Does not mutate. */
export class SpanMetricsProcessor implements Component, Consumer<TracesData> {
  readonly mutates = false;
  private calls!: CounterVec;
  private duration!: HistogramVec | ExpHistogramVec;
  private sigCalls!: Signal;
  private sigDuration!: Signal;
  private signals: Signals | undefined;
  private readonly labelNames: string[];
  /** Series by label values, one Map level per label: a lookup allocates nothing. */
  private readonly tree: LookupNode = new Map();
  private seriesCount = 0;
  private readonly weights = new AdjustedCountCache();
  private readonly overflowSpans: Counter;
  private readonly dims: { name: string; def: string | undefined }[];
  private readonly values: string[];
  private readonly overflow = new Map<string, Entry>();
  private readonly seriesGauge: ObservableGauge;
  private readonly observeSeries = (r: ObservableResult) => r.observe(this.seriesCount, { processor: this.settings.id });
  private readonly explicit: boolean;
  /** Multiplier from milliseconds to the histogram's unit. */
  private readonly scale: number;
  private stopped = false;
  private sweeper: Timer | undefined;
  private registry: { unregister(v: CounterVec | HistogramVec | ExpHistogramVec): void } | undefined;

  constructor(private readonly settings: CreateSettings, private readonly cfg: SpanMetricsConfig, private readonly next: Consumer<TracesData>) {
    this.dims = cfg.dimensions.map((d) => ({ name: d.name, def: d.default }));
    const labelNames = [...BASE_LABELS, ...cfg.dimensions.map((d) => dimensionLabel(d.name)), 'otel_metric_overflow'];
    this.values = new Array<string>(labelNames.length).fill('');
    this.labelNames = labelNames;
    this.scale = cfg.histogram.unit === 's' ? 1 / 1000 : 1;
    this.explicit = !cfg.histogram.exponential;
    this.overflowSpans = settings.meter.createCounter('outrider_spanmetrics_overflow_spans', {
      description: 'Spans counted in the otel_metric_overflow series because cardinality_limit was reached.',
    });
    this.seriesGauge = settings.meter.createObservableGauge('outrider_spanmetrics_series', {
      description: 'Label combinations held by the spanmetrics processor.',
    });
    this.seriesGauge.addCallback(this.observeSeries);
  }

  /**
   * Registers the series: the Prometheus vectors in the metric registry (shared by name, so a
   * replacement after a config reload carries on their values) and `span_calls` /
   * `span_duration_ms` (ms) in the signals service, for rules and the admin API.
   */
  async start(host: Host): Promise<void> {
    if (this.registry || this.stopped) return;
    const cfg = this.cfg;
    const reg = host.service(METRICS);
    const ns = cfg.namespace.replace(/[^a-zA-Z0-9_]+/g, '_');
    const labelNames = this.labelNames;
    this.calls = reg.counter(`${ns}_calls_total`, 'Spans seen, weighted by their adjusted count.', labelNames);
    const seconds = cfg.histogram.unit === 's';
    const help = `Span durations in ${seconds ? 'seconds' : 'milliseconds'}, weighted by their adjusted count.`;
    const name = `${ns}_duration_${seconds ? 'seconds' : 'milliseconds'}`;
    this.duration = cfg.histogram.exponential
      ? reg.expHistogram(name, help, labelNames, cfg.histogram.exponential.max_size)
      : reg.histogram(name, help, labelNames, (cfg.histogram.explicit?.buckets ?? DEFAULT_BUCKETS_MS).map((b) => b * this.scale));
    this.registry = reg;
    const signals = host.service(SIGNALS);
    this.signals = signals;
    this.sigCalls = signals.counter('span_calls', labelNames);
    this.sigDuration = signals.distribution('span_duration_ms', labelNames);
    const ttl = cfg.metrics_expiration;
    if (ttl > 0) this.sweeper = this.settings.clock.setInterval(() => this.expire(this.settings.clock.now()), Math.min(ttl, 60_000)).unref();
  }

  /** Removes the series no span counted in for `metrics_expiration` (overflow series stay). */
  expire(nowMs: number): number {
    const ttl = this.cfg.metrics_expiration;
    let removed = 0;
    const walk = (node: LookupNode): void => {
      for (const [key, child] of node) {
        if (child instanceof Map) {
          walk(child);
          if (child.size === 0) node.delete(key);
        } else if (nowMs - child.lastMs > ttl) {
          this.calls.remove(child.values);
          this.duration.remove(child.values);
          node.delete(key);
          removed++;
        }
      }
    };
    walk(this.tree);
    this.seriesCount -= removed;
    return removed;
  }

  private newEntry(values: string[]): Entry {
    return {
      calls: this.calls.series(values), duration: this.duration.series(values),
      sigCalls: this.sigCalls.series(values), sigDuration: this.sigDuration.series(values),
      values, lastMs: this.settings.clock.now(), traceAtMs: -Infinity,
    };
  }

  private entryFor(values: string[]): Entry {
    let node = this.tree;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let child = node.get(values[i]!) as LookupNode | undefined;
      if (!child) { child = new Map(); node.set(values[i]!, child); }
      node = child;
    }
    let e = node.get(values[last]!) as Entry | undefined;
    if (e) return e;
    const limit = this.cfg.cardinality_limit;
    if (limit > 0 && this.seriesCount >= limit) {
      this.overflowSpans.add(1, { processor: this.settings.id });
      // one overflow series per service, so per-service totals stay right
      const service = values[0]!;
      let o = this.overflow.get(service);
      if (!o) {
        const v = values.map(() => '');
        v[0] = service;
        v[v.length - 1] = 'true';
        o = this.newEntry(v);
        this.overflow.set(service, o);
      }
      return o;
    }
    e = this.newEntry(values.slice());
    node.set(values[last]!, e);
    this.seriesCount++;
    return e;
  }

  /**
   * Hands the batch on unchanged and records its spans once the pipeline accepted it: a batch
   * refused downstream and sent again by the client is counted once, not once per attempt.
   * Series are resolved before handing on, since a later processor may change the spans.
   */
  async consume(td: TracesData): Promise<void> {
    const pending = this.resolve(td);
    await this.next.consume(td);
    this.apply(pending);
  }

  /** Records the spans of a batch into the registry at once (exposed for benchmarks). */
  record(td: TracesData): void {
    this.apply(this.resolve(td));
  }

  /** Each span with the series it counts in, as [entry, span, entry, span, …]. */
  private resolve(td: TracesData): Array<Entry | Span> {
    const out: Array<Entry | Span> = [];
    if (this.stopped) return out;
    const v = this.values;
    const nd = this.dims.length;
    for (const rs of td.resourceSpans) {
      const res = rs.resource?.attributes ?? [];
      v[0] = lookup(res, 'service.name') ?? '';
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          v[1] = span.name;
          v[2] = KIND[span.kind] ?? 'SPAN_KIND_UNSPECIFIED';
          v[3] = STATUS[span.status.code] ?? 'STATUS_CODE_UNSET';
          for (let i = 0; i < nd; i++) {
            const d = this.dims[i]!;
            v[4 + i] = lookup(span.attributes, d.name) ?? lookup(res, d.name) ?? d.def ?? '';
          }
          out.push(this.entryFor(v), span);
        }
      }
    }
    return out;
  }

  private apply(pending: Array<Entry | Span>): void {
    const exemplars = this.cfg.exemplars.enabled;
    const now = this.settings.clock.now();
    for (let i = 0; i < pending.length; i += 2) {
      const e = pending[i] as Entry;
      e.lastMs = now;
      this.observe(e, pending[i + 1] as Span, exemplars, now);
    }
  }

  private observe(e: Entry, span: Span, exemplars: boolean, now: number): void {
    const w = this.weights.get(span.traceState);
    const ns = span.endTimeUnixNano - span.startTimeUnixNano;
    const rawMs = ns > 0n ? Number(ns) / 1e6 : 0;
    e.sigCalls.add(w, now);
    e.sigDuration.observe(rawMs, w, now);
    if (span.status.code === 2 && now - e.traceAtMs >= ERROR_TRACE_MIN_GAP_MS && span.traceId.length > 0) {
      e.traceAtMs = now;
      this.signals?.recordTrace('span_errors', { service_name: e.values[0]!, span_name: e.values[1]! }, Buffer.from(span.traceId).toString('hex'), now);
    }
    const ms = rawMs * this.scale;
    if (!this.explicit) {
      e.calls.add(w);
      e.duration.observe(ms, w);
      return;
    }
    const hist = e.duration as HistogramSeriesState;
    let ex: ExemplarRef | undefined;
    if (exemplars && span.traceId.length) {
      // keep at most one exemplar per bucket per EXEMPLAR_MIN_AGE_MS: building one per span costs
      const endMs = Number(span.endTimeUnixNano) / 1e6;
      if (hist.wantsExemplar(ms, endMs, EXEMPLAR_MIN_AGE_MS)) {
        ex = { traceId: span.traceId.slice(), spanId: span.spanId.slice(), value: ms, timeMs: Math.round(endMs) };
      }
      const c = e.calls.exemplar;
      if (ex || !c || c.timeMs === undefined || endMs - c.timeMs >= EXEMPLAR_MIN_AGE_MS) {
        e.calls.add(w, { traceId: ex?.traceId ?? span.traceId.slice(), spanId: ex?.spanId ?? span.spanId.slice(), value: w, timeMs: Math.round(endMs) });
      } else e.calls.add(w);
    } else e.calls.add(w);
    hist.observe(ms, w, ex);
  }

  readonly shutdown = once(async () => {
    this.stopped = true;
    this.sweeper?.cancel();
    this.seriesGauge.removeCallback(this.observeSeries);
    this.registry?.unregister(this.calls);
    this.registry?.unregister(this.duration);
  });
}

// Translates OTLP metrics into the accumulator: names, labels, types and exemplars per the
// Collector's prometheus exporter (collector.md §5); delta non-monotonic sums are dropped.
import type { ExemplarRef } from '../../agent/metric-registry.js';
import { bucketIndex } from '../../agent/metric-registry/instruments.js';
import { labelStringOf } from '../../agent/metric-registry/format.js';
import type { Exemplar, KeyValue, Metric, MetricsData, Scope } from '../../agent/pdata/model.js';
import { Temporality } from '../../agent/pdata/model.js';
import type { Accumulator } from './accumulator.js';
import type { PrometheusConfig } from './config.js';
import { jobInstance, labelsFromAttributes, targetInfoLabels, valueText } from './labels.js';
import { metricName } from './names.js';

/** OTLP DataPointFlags.NO_RECORDED_VALUE. */
const NO_RECORDED_VALUE = 1;

/** Counts of what a translation did not keep. */
export interface TranslateStats { dropped: number }

function exemplarOf(x: Exemplar): ExemplarRef {
  return {
    traceId: x.traceId.length ? x.traceId.slice() : undefined,
    spanId: x.spanId.length ? x.spanId.slice() : undefined,
    value: Number(x.value),
    timeMs: x.timeUnixNano ? Number(x.timeUnixNano / 1_000_000n) : undefined,
  };
}

/** Turns OTLP batches into accumulator updates and remembers `target_info` per job/instance. */
export class Translator {
  /** target_info label strings, with the time each was last seen (ms). */
  readonly targets = new Map<string, number>();
  private readonly boundsIntern = new Map<string, number[]>();

  constructor(private readonly cfg: PrometheusConfig, private readonly acc: Accumulator) {}

  private intern(bounds: number[]): number[] {
    const k = bounds.join(',');
    let b = this.boundsIntern.get(k);
    if (!b) {
      if (this.boundsIntern.size > 1000) this.boundsIntern.clear();
      b = Object.freeze([...bounds]) as number[];
      this.boundsIntern.set(k, b);
    }
    return b;
  }

  /** Applies a whole batch; returns how many points were dropped by rule. */
  consume(md: MetricsData, nowMs: number): TranslateStats {
    const stats = { dropped: 0 };
    for (const rm of md.resourceMetrics) {
      const res = rm.resource?.attributes ?? [];
      const ti = targetInfoLabels(res, this.cfg.const_labels);
      if (ti !== undefined) this.targets.set(ti, nowMs);
      const { job, instance } = jobInstance(res);
      for (const sm of rm.scopeMetrics) {
        const base = new Map<string, string>();
        if (this.cfg.resource_to_telemetry_conversion.enabled) labelsFromAttributes(res, base);
        const extra = this.scopeLabels(sm.scope, sm.schemaUrl);
        extra.set('job', job);
        extra.set('instance', instance);
        for (const [k, v] of Object.entries(this.cfg.const_labels)) extra.set(k, v);
        for (const m of sm.metrics) stats.dropped += this.metric(m, base, extra, nowMs);
      }
    }
    return stats;
  }

  private scopeLabels(scope: Scope | null, schemaUrl: string): Map<string, string> {
    const m = new Map<string, string>();
    if (!scope) return m;
    m.set('otel_scope_name', scope.name);
    m.set('otel_scope_version', scope.version);
    m.set('otel_scope_schema_url', schemaUrl);
    for (const kv of scope.attributes) m.set('otel_scope_' + kv.key.replace(/[^a-zA-Z0-9_]/g, '_'), valueText(kv.value));
    return m;
  }

  private labels(attrs: KeyValue[], base: Map<string, string>, extra: Map<string, string>): string {
    const m = labelsFromAttributes(attrs, new Map(base));
    for (const [k, v] of extra) m.set(k, v);
    return labelStringOf(m);
  }

  /** Translates one metric; returns the number of points dropped. */
  private metric(m: Metric, base: Map<string, string>, extra: Map<string, string>, now: number): number {
    const d = m.data;
    if (!d) return 0;
    const opts = { namespace: this.cfg.namespace, suffixes: this.cfg.add_metric_suffixes };
    const acc = this.acc;
    const help = m.description || `OTLP metric ${m.name}`;
    switch (d.type) {
      case 'gauge':
      case 'sum': {
        const counter = d.type === 'sum' && d.isMonotonic;
        const delta = d.type === 'sum' && d.aggregationTemporality === Temporality.DELTA;
        if (delta && !counter) return d.dataPoints.length; // the Collector drops delta non-monotonic sums
        const name = metricName(m.name, m.unit, counter ? 'counter' : 'gauge', opts);
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          const last = p.exemplars.length ? exemplarOf(p.exemplars[p.exemplars.length - 1]!) : undefined;
          acc.number(name, help, counter ? 'counter' : 'gauge', labels,
            { startNs: p.startTimeUnixNano, timeNs: p.timeUnixNano, value: Number(p.value), exemplar: counter ? last : undefined },
            delta ? 'delta' : 'replace', now);
        }
        return 0;
      }
      case 'histogram': {
        const name = metricName(m.name, m.unit, 'other', opts);
        const delta = d.aggregationTemporality === Temporality.DELTA;
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          const bounds = this.intern(p.explicitBounds);
          const counts = new Array<number>(bounds.length + 1).fill(0);
          for (let i = 0; i < counts.length && i < p.bucketCounts.length; i++) counts[i] = p.bucketCounts[i]!;
          let exemplars: (ExemplarRef | undefined)[] | undefined;
          for (const x of p.exemplars) {
            exemplars ??= new Array(counts.length).fill(undefined);
            exemplars[bucketIndex(bounds, Number(x.value))] = exemplarOf(x);
          }
          acc.histogram(name, help, labels,
            { startNs: p.startTimeUnixNano, timeNs: p.timeUnixNano, bounds, counts, sum: p.sum ?? 0, count: p.count, exemplars }, delta, now);
        }
        return 0;
      }
      case 'exponentialHistogram': {
        const name = metricName(m.name, m.unit, 'other', opts);
        const delta = d.aggregationTemporality === Temporality.DELTA;
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          acc.expHistogram(name, help, labels, { ...p, startNs: p.startTimeUnixNano, timeNs: p.timeUnixNano }, delta, now);
        }
        return 0;
      }
      case 'summary': {
        const name = metricName(m.name, m.unit, 'other', opts);
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          acc.summary(name, help, labels,
            { startNs: p.startTimeUnixNano, timeNs: p.timeUnixNano, sum: p.sum, count: p.count, quantiles: p.quantileValues.map((q) => ({ ...q })) }, now);
        }
        return 0;
      }
    }
  }

  /** Drops target_info entries not seen within `expirationMs` (0 = never). */
  expireTargets(nowMs: number, expirationMs: number): void {
    if (expirationMs <= 0) return;
    for (const [k, t] of this.targets) if (nowMs - t > expirationMs) this.targets.delete(k);
  }
}

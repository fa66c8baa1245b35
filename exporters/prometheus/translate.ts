// Translates OTLP metrics into the accumulator: names, labels, types and exemplars per the
// Collector's prometheus exporter (collector.md §5); delta non-monotonic sums are dropped.
import type { ExemplarRef } from '../../agent/metric-registry.js';
import { bucketIndex } from '../../agent/metric-registry/instruments.js';
import { labelStringOf } from '../../agent/metric-registry/format.js';
import type { Exemplar, KeyValue, Metric, MetricsData, Scope } from '../../agent/pdata/model.js';
import { Temporality } from '../../agent/pdata/model.js';
import type { Accumulator } from './accumulator.js';
import type { PrometheusConfig } from './config.js';
import { valueText } from '../../agent/metric-registry/labels.js';
import { jobInstance, labelsFromAttributes, targetInfoLabels } from './labels.js';
import { metricName } from './names.js';
import { expHistogramPointProblem, histogramPointProblem, temporalityProblem } from '../../agent/pdata/point-problems.js';

/** OTLP DataPointFlags.NO_RECORDED_VALUE. */
const NO_RECORDED_VALUE = 1;

/**
 * Why the translation skipped points: `delta_non_monotonic` (the Collector drops them),
 * `invalid_name` (the metric name has no ASCII letter or digit, so its Prometheus name would be
 * empty) or `invalid_point` (a point the OTLP spec calls invalid, see agent/pdata/point-problems.ts,
 * that reached the exporter without the OTLP receiver's check).
 */
export type DropReason = 'delta_non_monotonic' | 'invalid_name' | 'invalid_point';

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

  /** Called for each metric whose points are skipped by rule: its OTLP name, why, how many points (and for `invalid_point`, the problem). */
  onDrop: (metric: string, reason: DropReason, points: number, problem?: string) => void = () => {};

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

  /** Applies a whole batch; points skipped by rule are reported through `onDrop`. */
  consume(md: MetricsData, nowMs: number): void {
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
        for (const m of sm.metrics) this.metric(m, base, extra, nowMs);
      }
    }
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

  /** Translates one metric. */
  private metric(m: Metric, base: Map<string, string>, extra: Map<string, string>, now: number): void {
    const d = m.data;
    if (!d) return;
    const counter = d.type === 'sum' && d.isMonotonic;
    const name = metricName(m.name, m.unit, counter ? 'counter' : d.type === 'gauge' || d.type === 'sum' ? 'gauge' : 'other',
      { namespace: this.cfg.namespace, suffixes: this.cfg.add_metric_suffixes });
    if (name === undefined) return this.onDrop(m.name, 'invalid_name', d.dataPoints.length);
    const acc = this.acc;
    const help = m.description || `OTLP metric ${m.name}`;
    const badTemporality = temporalityProblem(d);
    if (badTemporality !== undefined) return this.onDrop(m.name, 'invalid_point', d.dataPoints.length, badTemporality);
    switch (d.type) {
      case 'gauge':
      case 'sum': {
        const delta = d.type === 'sum' && d.aggregationTemporality === Temporality.DELTA;
        // the Collector drops delta non-monotonic sums
        if (delta && !counter) return this.onDrop(m.name, 'delta_non_monotonic', d.dataPoints.length);
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          const last = p.exemplars.length ? exemplarOf(p.exemplars[p.exemplars.length - 1]!) : undefined;
          acc.number(name, help, counter ? 'counter' : 'gauge', labels,
            { startNs: p.startTimeUnixNano, timeNs: p.timeUnixNano, value: Number(p.value), exemplar: counter ? last : undefined },
            delta ? 'delta' : 'replace', now);
        }
        return;
      }
      case 'histogram': {
        const delta = d.aggregationTemporality === Temporality.DELTA;
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          const problem = histogramPointProblem(p);
          if (problem !== undefined) { this.onDrop(m.name, 'invalid_point', 1, problem); continue; }
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
        return;
      }
      case 'exponentialHistogram': {
        const delta = d.aggregationTemporality === Temporality.DELTA;
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          const problem = expHistogramPointProblem(p);
          if (problem !== undefined) { this.onDrop(m.name, 'invalid_point', 1, problem); continue; }
          acc.expHistogram(name, help, labels, { ...p, startNs: p.startTimeUnixNano, timeNs: p.timeUnixNano }, delta, now);
        }
        return;
      }
      case 'summary': {
        for (const p of d.dataPoints) {
          const labels = this.labels(p.attributes, base, extra);
          if (p.flags & NO_RECORDED_VALUE) { acc.remove(name, labels); continue; }
          acc.summary(name, help, labels,
            { startNs: p.startTimeUnixNano, timeNs: p.timeUnixNano, sum: p.sum, count: p.count, quantiles: p.quantileValues.map((q) => ({ ...q })) }, now);
        }
        return;
      }
    }
  }

  /** Drops target_info entries not seen within `expirationMs` (0 = never). */
  expireTargets(nowMs: number, expirationMs: number): void {
    if (expirationMs <= 0) return;
    for (const [k, t] of this.targets) if (nowMs - t > expirationMs) this.targets.delete(k);
  }
}

// Series owned directly by processors: counter, gauge and histogram vectors keyed by label values.
import type { ExemplarRef, Family, HistogramSeries, MetricSource, NumberSeries } from './types.js';
import { isLabelName, isMetricName, labelString } from './format.js';
import { ExpHistogramState } from './exp-histogram.js';

function checkNames(name: string, labelNames: readonly string[]): void {
  if (!isMetricName(name)) throw new Error(`metric registry: invalid metric name '${name}'`);
  for (const l of labelNames) if (!isLabelName(l)) throw new Error(`metric registry: ${name}: invalid label name '${l}'`);
}

/** Base of every vector: a map from joined label values to a series; one family. */
abstract class Vec<S extends { labels: string }> implements MetricSource {
  protected readonly map = new Map<string, S>();
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {
    checkNames(name, labelNames);
  }
  protected key(values: readonly string[]): string {
    if (values.length !== this.labelNames.length) {
      throw new Error(`metric registry: ${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    return values.join('\u0000');
  }
  protected abstract make(labels: string): S;
  /** The series for these label values (in `labelNames` order), created on first use. Cache it on hot paths. */
  series(values: readonly string[]): S {
    const k = this.key(values);
    let s = this.map.get(k);
    if (!s) {
      s = this.make(labelString(this.labelNames, values));
      this.map.set(k, s);
    }
    return s;
  }
  /** Drops one series. */
  remove(values: readonly string[]): boolean { return this.map.delete(this.key(values)); }
  /** Drops every series. */
  clear(): void { this.map.clear(); }
  /** Number of series. */
  get size(): number { return this.map.size; }
  abstract collect(): Family[];
}

/** A counter series: `add` a non-negative amount, optionally with an exemplar. */
export class CounterSeries implements NumberSeries {
  value = 0;
  exemplar: ExemplarRef | undefined = undefined;
  constructor(readonly labels: string) {}
  add(delta = 1, exemplar?: ExemplarRef): void {
    if (!(delta >= 0)) return;
    this.value += delta;
    if (exemplar) this.exemplar = exemplar;
  }
}

/** A counter family (`name` should end in `_total`). */
export class CounterVec extends Vec<CounterSeries> {
  protected make(labels: string): CounterSeries { return new CounterSeries(labels); }
  /** Adds `delta` (default 1) to the series for `values`. */
  add(values: readonly string[], delta = 1, exemplar?: ExemplarRef): void { this.series(values).add(delta, exemplar); }
  collect(): Family[] { return [{ name: this.name, help: this.help, type: 'counter', series: this.map.values() }]; }
}

/** A gauge series: `set` or `add`. */
export class GaugeSeries implements NumberSeries {
  value = 0;
  constructor(readonly labels: string) {}
  set(v: number): void { this.value = v; }
  add(delta: number): void { this.value += delta; }
}

/** A gauge family. */
export class GaugeVec extends Vec<GaugeSeries> {
  protected make(labels: string): GaugeSeries { return new GaugeSeries(labels); }
  /** Sets the series for `values` to `v`. */
  set(values: readonly string[], v: number): void { this.series(values).set(v); }
  collect(): Family[] { return [{ name: this.name, help: this.help, type: 'gauge', series: this.map.values() }]; }
}

/** Index of the first bound >= v (Prometheus `le` is inclusive); `bounds.length` for +Inf. */
export function bucketIndex(bounds: readonly number[], v: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= bounds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A classic histogram series with explicit bounds; observations may carry a weight. */
export class HistogramSeriesState implements HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  exemplars: (ExemplarRef | undefined)[] | undefined;
  constructor(readonly labels: string, readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  /**
   * Whether an exemplar for value `v` at `timeMs` would be worth keeping: its bucket has none,
   * or one at least `minAgeMs` older. Lets hot paths skip building exemplars they would discard.
   */
  wantsExemplar(v: number, timeMs: number, minAgeMs: number): boolean {
    const e = this.exemplars?.[bucketIndex(this.bounds, v)];
    return !e || e.timeMs === undefined || timeMs - e.timeMs >= minAgeMs;
  }
  /** Records `v` with `weight` (default 1), keeping `exemplar` as its bucket's latest. */
  observe(v: number, weight = 1, exemplar?: ExemplarRef): void {
    const i = bucketIndex(this.bounds, v);
    this.counts[i]! += weight;
    this.sum += v * weight;
    this.count += weight;
    if (exemplar) (this.exemplars ??= new Array(this.counts.length).fill(undefined))[i] = exemplar;
  }
}

/** A classic histogram family; `bounds` must be ascending. */
export class HistogramVec extends Vec<HistogramSeriesState> {
  readonly bounds: readonly number[];
  constructor(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]) {
    super(name, help, labelNames);
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`metric registry: ${name}: bucket bounds must be strictly ascending`);
    }
    this.bounds = Object.freeze([...bounds]);
  }
  protected make(labels: string): HistogramSeriesState { return new HistogramSeriesState(labels, this.bounds); }
  /** Records `v` with `weight` into the series for `values`. */
  observe(values: readonly string[], v: number, weight = 1, exemplar?: ExemplarRef): void {
    this.series(values).observe(v, weight, exemplar);
  }
  collect(): Family[] { return [{ name: this.name, help: this.help, type: 'histogram', series: this.map.values() }]; }
}

/** An exponential-histogram series, exposed as a classic histogram with `le` at bucket boundaries. */
export class ExpHistogramSeriesState {
  readonly state: ExpHistogramState;
  constructor(readonly labels: string, maxSize: number) { this.state = new ExpHistogramState(maxSize); }
  /** Records `v` with `weight` (default 1). */
  observe(v: number, weight = 1): void { this.state.record(v, weight); }
}

/** An exponential histogram family (base-2 buckets, at most `maxSize` per sign), rendered as classic buckets. */
export class ExpHistogramVec extends Vec<ExpHistogramSeriesState> {
  constructor(name: string, help: string, labelNames: readonly string[], readonly maxSize: number) {
    super(name, help, labelNames);
  }
  protected make(labels: string): ExpHistogramSeriesState { return new ExpHistogramSeriesState(labels, this.maxSize); }
  /** Records `v` with `weight` into the series for `values`. */
  observe(values: readonly string[], v: number, weight = 1): void { this.series(values).observe(v, weight); }
  collect(): Family[] {
    const out: HistogramSeries[] = [];
    for (const s of this.map.values()) out.push({ labels: s.labels, ...s.state.toClassic() });
    return [{ name: this.name, help: this.help, type: 'histogram', series: out }];
  }
}

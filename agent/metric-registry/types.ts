// The data the /metrics renderer reads: metric families and their series, as sources produce them.

/** Prometheus family types. `unknown` renders as `untyped` in text 0.0.4. */
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

/**
 * An exemplar attached to a counter sample or a histogram bucket (OpenMetrics only).
 * Ids are kept as bytes and rendered as hex `trace_id`/`span_id` labels at scrape time.
 */
export interface ExemplarRef {
  traceId: Uint8Array | undefined;
  spanId: Uint8Array | undefined;
  /** The observed value. */
  value: number;
  /** Milliseconds since the epoch, if known. */
  timeMs: number | undefined;
}

interface SeriesBase {
  /** Pre-rendered, sorted, escaped label pairs without braces: `a="x",b="y"`; '' for none. */
  labels: string;
  /** Sample timestamp in milliseconds since the epoch, rendered only when set. */
  timestampMs?: number | undefined;
}

/** A counter or gauge sample (also `unknown`). */
export interface NumberSeries extends SeriesBase {
  value: number;
  /** Counters only: the most recent exemplar. */
  exemplar?: ExemplarRef | undefined;
}

/** A classic histogram: `counts` are per bucket (not cumulative), one more than `bounds` (+Inf). */
export interface HistogramSeries extends SeriesBase {
  bounds: readonly number[];
  counts: ArrayLike<number>;
  sum: number;
  count: number;
  /** One slot per bucket (same length as `counts`); the most recent exemplar that fell in it. */
  exemplars?: ReadonlyArray<ExemplarRef | undefined> | undefined;
}

/** A summary: precomputed quantiles plus sum and count. */
export interface SummarySeries extends SeriesBase {
  quantiles: ReadonlyArray<{ quantile: number; value: number }>;
  sum: number;
  count: number;
}

export type AnySeries = NumberSeries | HistogramSeries | SummarySeries;

/**
 * One metric family as rendered. For counters `name` is the sample name used in text 0.0.4
 * (normally ending in `_total`); OpenMetrics strips `_total` for the family and adds it to samples.
 */
export type Family =
  | { name: string; help: string; type: 'counter' | 'gauge' | 'unknown'; series: Iterable<NumberSeries> }
  | { name: string; help: string; type: 'histogram'; series: Iterable<HistogramSeries> }
  | { name: string; help: string; type: 'summary'; series: Iterable<SummarySeries> };

/**
 * A producer of families, asked at every scrape. Sources registered with
 * `PrometheusRegistry.register` are collected in registration order; a family name seen
 * twice with the same type is merged; a later family whose names collide with an earlier one's
 * (another type, or OpenMetrics family / `_total` / `_bucket` / `_sum` / `_count` names) is dropped.
 * Families of `origin: 'app'` sources come after every agent family and never displace one.
 */
export interface MetricSource {
  /**
   * Whose series these are: `agent` (default; the agent's own and derived series) or `app`
   * (translated from applications' metrics, e.g. the prometheus exporter). An `app` family that
   * claims a name an agent family holds is dropped whatever its type; an `app` `target_info`
   * series with exactly the labels of the agent's is dropped.
   */
  readonly origin?: 'agent' | 'app';
  collect(nowMs: number): Iterable<Family> | Promise<Iterable<Family>>;
  /**
   * Told at a scrape that one of this source's families (`series` of its series) was left out of
   * it, and why (see `ConflictReason`).
   */
  dropped?(family: string, series: number, reason: 'agent_name' | 'name_conflict'): void;
}

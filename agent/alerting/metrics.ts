// What a rule's `metric` reads: derived metrics over the signals the processors publish (span
// rate, error ratio, latency quantiles, SLO burn rates and budgets, cost and budget spend), or
// any signal by name; one sample per label set the rule keeps (`by`).
import type { Matchers, SeriesView, Signals } from '../signals/signals.js';
import { MergedSketch } from '../signals/sketch.js';

/** One value of a rule's query: the labels the rule keeps and the number compared with the threshold. */
export interface Sample { labels: Record<string, string>; value: number }

/** What a rule needs for its query. */
export interface QuerySpec {
  metric: string;
  labels: Record<string, string>;
  labels_re: Record<string, string>;
  by?: string[];
  window: number;
}

const ERROR = 'STATUS_CODE_ERROR';

type Reader = (signals: Signals, m: Matchers, by: string[], windowMs: number) => Sample[];

interface Derived { signal: string; defaultBy: string[] | 'all'; read: Reader }

const quantile = (q: number): Derived => ({
  signal: 'span_duration_ms',
  defaultBy: ['service_name'],
  read: (s, m, by, w) => groups(s.select('span_duration_ms', m), by).flatMap(([labels, views]) => {
    const v = mergeWindow(views, w).quantile(q);
    return v === undefined ? [] : [{ labels, value: v }];
  }),
});

const sumOf = (signal: string, perMs: number): Derived => ({
  signal,
  defaultBy: ['service_name'],
  read: (s, m, by, w) => groups(s.select(signal, m), by).map(([labels, views]) => ({
    labels, value: views.reduce((a, v) => a + v.increase(w), 0) / (w / perMs),
  })),
});

const gauge = (signal: string): Derived => ({ signal, defaultBy: 'all', read: (s, m, by, w) => lastOf(s.select(signal, m), by, w) });

/** The derived metrics by name. */
export const DERIVED: Readonly<Record<string, Derived>> = {
  /** Spans per second over the window (the adjusted count of spans). */
  span_rate: sumOf('span_calls', 1000),
  /** Spans with status ERROR / all spans over the window; no sample without spans. */
  span_error_ratio: {
    signal: 'span_calls',
    defaultBy: ['service_name'],
    read: (s, m, by, w) => groups(s.select('span_calls', m), by).flatMap(([labels, views]) => {
      let total = 0, bad = 0;
      for (const v of views) { const n = v.increase(w); total += n; if (v.labels.status_code === ERROR) bad += n; }
      return total > 0 ? [{ labels, value: bad / total }] : [];
    }),
  },
  span_latency_p50: quantile(0.5),
  span_latency_p95: quantile(0.95),
  span_latency_p99: quantile(0.99),
  slo_burn_rate: gauge('slo_burn_rate'),
  slo_error_budget_remaining: gauge('slo_error_budget_remaining'),
  /** USD per hour over the window. */
  cost_usd_rate: sumOf('cost_usd', 3_600_000),
  budget_spend_ratio: gauge('budget_spend_ratio'),
};

/** Whether `metric` is a derived metric rather than a signal read as it is. */
export function isDerived(metric: string): boolean {
  return Object.hasOwn(DERIVED, metric);
}

/** A rule's label matchers as the signals service takes them. */
export function matchersOf(q: Pick<QuerySpec, 'labels' | 'labels_re'>): Matchers {
  const m: Record<string, string | RegExp> = { ...q.labels };
  for (const [k, v] of Object.entries(q.labels_re)) m[k] = new RegExp(v);
  return m;
}

/**
 * Runs a rule's query. Any other signal: a counter as a per-second rate, a gauge as its newest
 * value, a distribution as its mean, each over the window. An empty result is "no data".
 */
export function query(signals: Signals, q: QuerySpec): Sample[] {
  const m = matchersOf(q);
  const keys = [...Object.keys(q.labels), ...Object.keys(q.labels_re)];
  const d = DERIVED[q.metric];
  if (d) {
    const by = q.by ?? (d.defaultBy === 'all' ? undefined : [...d.defaultBy, ...keys]);
    return d.read(signals, m, by ?? allLabels(signals, d.signal), q.window);
  }
  const kind = signals.kindOf(q.metric);
  if (!kind) return [];
  const by = q.by ? [...q.by, ...keys] : allLabels(signals, q.metric);
  if (kind === 'gauge') return lastOf(signals.select(q.metric, m), by, q.window);
  if (kind === 'counter') return sumOf(q.metric, 1000).read(signals, m, by, q.window);
  return groups(signals.select(q.metric, m), by).flatMap(([labels, views]) => {
    const s = mergeWindow(views, q.window);
    return s.count > 0 ? [{ labels, value: s.sum / s.count }] : [];
  });
}

/** The window of several distribution series as one sketch. */
function mergeWindow(views: SeriesView[], windowMs: number): MergedSketch {
  const m = new MergedSketch();
  for (const v of views) m.merge(v.distribution(windowMs));
  return m;
}

function allLabels(signals: Signals, name: string): string[] {
  const first = signals.select(name)[0];
  return first ? Object.keys(first.labels) : [];
}

/** Series grouped by the values of `by` (labels absent from a series read as ''). */
function groups(views: SeriesView[], by: string[]): Array<[Record<string, string>, SeriesView[]]> {
  const out = new Map<string, [Record<string, string>, SeriesView[]]>();
  const names = [...new Set(by)];
  for (const v of views) {
    let key = '';
    for (const n of names) key += `${v.labels[n] ?? ''}\u0000`;
    const g = out.get(key);
    if (g) g[1].push(v);
    else out.set(key, [Object.fromEntries(names.map((n) => [n, v.labels[n] ?? ''])), [v]]);
  }
  return [...out.values()];
}

/**
 * Query results of one evaluation, shared by rules asking the same question (several severities
 * or thresholds over one metric): the signals are read once.
 */
export class QueryCache {
  private readonly results = new Map<string, Sample[]>();

  constructor(private readonly signals: Signals) {}

  query(q: QuerySpec): Sample[] {
    const key = JSON.stringify([q.metric, q.labels, q.labels_re, q.by ?? null, q.window]);
    let r = this.results.get(key);
    if (!r) { r = query(this.signals, q); this.results.set(key, r); }
    return r;
  }
}

/** Gauges: the newest value per series within the window; series folded by `by` keep the largest. */
function lastOf(views: SeriesView[], by: string[], windowMs: number): Sample[] {
  return groups(views, by).flatMap(([labels, vs]) => {
    let best: number | undefined;
    for (const v of vs) { const x = v.last(windowMs); if (x !== undefined && (best === undefined || x > best)) best = x; }
    return best === undefined ? [] : [{ labels, value: best }];
  });
}

/** Compares a value with the threshold. */
export function holds(op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'ne', value: number, threshold: number): boolean {
  switch (op) {
    case 'gt': return value > threshold;
    case 'gte': return value >= threshold;
    case 'lt': return value < threshold;
    case 'lte': return value <= threshold;
    case 'eq': return value === threshold;
    case 'ne': return value !== threshold;
  }
}

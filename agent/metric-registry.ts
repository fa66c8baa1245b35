// The metric registry served at /metrics: translated OTLP metrics, series owned by processors
// (span metrics, SLO, cost) and the agent's own telemetry, rendered as Prometheus text or OpenMetrics.
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { serviceKey } from './service.js';
import { CounterVec, ExpHistogramVec, GaugeVec, HistogramVec } from './metric-registry/instruments.js';
import { conflictLogger, mergeFamilies, type ConflictHandler } from './metric-registry/merge-families.js';
import { prefersOpenMetrics } from './metric-registry/negotiate.js';
import { OPENMETRICS_CONTENT_TYPE, renderFamilies, TEXT_CONTENT_TYPE } from './metric-registry/render.js';
import { selfFamilies, selfTargetInfo } from './metric-registry/self-metrics.js';
import type { Family, MetricSource } from './metric-registry/types.js';

export type { Family, FamilyType, MetricSource, ExemplarRef, NumberSeries, HistogramSeries, SummarySeries } from './metric-registry/types.js';
export { CounterVec, GaugeVec, HistogramVec, ExpHistogramVec } from './metric-registry/instruments.js';
export { TEXT_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE } from './metric-registry/render.js';
export type { ConflictHandler, ConflictReason } from './metric-registry/merge-families.js';

/** The metric registry service: `host.service(METRICS)`. */
export const METRICS = serviceKey<MetricRegistry>('metrics');

/**
 * What components see of the registry (`host.service(METRICS)`).
 *
 * Two ways to own series:
 * - push: `counter` / `gauge` / `histogram` / `expHistogram` return a vector registered at once;
 *   update it on the hot path (cache `vec.series(values)` handles) and `unregister` it at shutdown.
 *   A vector is shared by name: asking again for the same name, type and labels returns the same
 *   vector (with its cumulative values), so a component replaced by a config reload carries on
 *   where the old instance stopped; it leaves the scrape when its last owner unregisters it;
 * - pull: `register(source)` adds a {@link MetricSource} whose `collect(nowMs)` is called at
 *   every scrape (the prometheus exporter uses this for its accumulated, expiring series).
 *
 * Family names are merged across sources when their types agree; a later family whose
 * OpenMetrics family name (a counter's without `_total`) or sample names (`_bucket`, `_sum`,
 * `_count`, `_total`) collide with an earlier family of another name or type is dropped from the
 * scrape (as the Collector drops conflicting metrics). The agent's own families always win: a
 * family from an `origin: 'app'` source claiming one of their names is dropped, whatever the order.
 */
export interface MetricRegistry {
  /** Adds a pull source; returns a function that removes it. */
  register(source: MetricSource): () => void;
  /** Removes a source, or releases one ownership of a shared vector (no-op if absent). */
  unregister(source: MetricSource): void;
  /** A counter vector; `name` should end in `_total`. */
  counter(name: string, help: string, labelNames: readonly string[]): CounterVec;
  /** A gauge vector. */
  gauge(name: string, help: string, labelNames: readonly string[]): GaugeVec;
  /** A classic histogram vector with ascending bucket upper bounds (`+Inf` implied). */
  histogram(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]): HistogramVec;
  /** An exponential histogram vector (≤ `maxSize` buckets per sign), exposed as classic buckets. */
  expHistogram(name: string, help: string, labelNames: readonly string[], maxSize: number): ExpHistogramVec;
}

/** Options of {@link PrometheusRegistry}. */
export interface PrometheusRegistryOptions {
  /**
   * The agent's self-telemetry reader (agent/self-telemetry.ts `SelfReader`, registered on the
   * agent's MeterProvider). Its metrics are collected at each scrape and
   * appended, with the agent's resource merged into `target_info`.
   */
  selfTelemetry?: MetricReader;
  /** Clock for expiration, ms since the epoch (tests). Default `Date.now`. */
  now?: () => number;
  /**
   * Called at each scrape for each family dropped because its names collide with an earlier
   * family's; see {@link PrometheusRegistry.logConflicts} for a rate-limited logger.
   */
  onConflict?: ConflictHandler;
}

type AnyVec = CounterVec | GaugeVec | HistogramVec | ExpHistogramVec;

/** The registry served at `/metrics`. One per agent; no module-level state. */
export class PrometheusRegistry implements MetricRegistry {
  private readonly sources: MetricSource[] = [];
  private readonly now: () => number;
  /** Shared vectors by name and shape, with how many owners hold each. */
  private readonly vecs = new Map<string, { vec: AnyVec; key: string; owners: number }>();

  constructor(private readonly opts: PrometheusRegistryOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /** An `onConflict` that warns through `logger` at most once a minute per dropped family name. */
  static logConflicts(logger: { warn(obj: object, msg: string): void }): ConflictHandler {
    return conflictLogger(logger);
  }

  register(source: MetricSource): () => void {
    this.sources.push(source);
    return () => this.unregister(source);
  }

  unregister(source: MetricSource): void {
    for (const [name, e] of this.vecs) {
      if (e.vec !== source) continue;
      if (--e.owners > 0) return;
      this.vecs.delete(name);
    }
    const i = this.sources.indexOf(source);
    if (i >= 0) this.sources.splice(i, 1);
  }

  /** The vector registered under `name` with the same shape (`key`), or a new one from `make`. */
  private shared<V extends AnyVec>(name: string, key: string, make: () => V): V {
    const id = `${name}|${key}`;
    const e = this.vecs.get(id);
    if (e) { e.owners++; return e.vec as V; }
    const vec = make();
    this.vecs.set(id, { vec, key, owners: 1 });
    this.sources.push(vec);
    return vec;
  }

  counter(name: string, help: string, labelNames: readonly string[]): CounterVec {
    return this.shared(name, `counter|${labelNames.join(',')}`, () => new CounterVec(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[]): GaugeVec {
    return this.shared(name, `gauge|${labelNames.join(',')}`, () => new GaugeVec(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]): HistogramVec {
    return this.shared(name, `histogram|${labelNames.join(',')}|${bounds.join(',')}`, () => new HistogramVec(name, help, labelNames, bounds));
  }

  expHistogram(name: string, help: string, labelNames: readonly string[], maxSize: number): ExpHistogramVec {
    return this.shared(name, `exphistogram|${labelNames.join(',')}|${maxSize}`, () => new ExpHistogramVec(name, help, labelNames, maxSize));
  }

  /**
   * Every family from every source in first-seen order, merged by name and type, conflicts
   * dropped: the agent's own (sources of origin `agent`, then self telemetry) before and over
   * the applications' (sources of origin `app`), see {@link mergeFamilies}.
   */
  async collect(): Promise<Family[]> {
    const now = this.now();
    const agent: Family[] = [];
    const app: Family[] = [];
    const from = new Map<Family, MetricSource>();
    for (const src of [...this.sources]) {
      for (const f of await src.collect(now)) {
        if (src.origin !== 'app') { agent.push(f); continue; }
        app.push(f);
        from.set(f, src);
      }
    }
    if (this.opts.selfTelemetry) {
      const { resourceMetrics } = await this.opts.selfTelemetry.collect();
      agent.push(selfTargetInfo(resourceMetrics), ...selfFamilies(resourceMetrics));
    }
    return mergeFamilies(agent, app, (dropped, kept, reason, series) => {
      this.opts.onConflict?.(dropped.name, kept.type, dropped.type, kept.name, reason);
      from.get(dropped)?.dropped?.(dropped.name, series, reason);
    });
  }

  /** Renders the exposition for an Accept header: Prometheus text 0.0.4, or OpenMetrics 1.0 when allowed and preferred. */
  async render(accept: string | undefined, openMetrics = true): Promise<{ contentType: string; body: string }> {
    const om = openMetrics && prefersOpenMetrics(accept);
    const body = renderFamilies(await this.collect(), om);
    return { contentType: om ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE, body };
  }
}

// The prometheus exporter component: accumulates translated OTLP metrics and serves them
// through the agent's metric registry (no port of its own).
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import { METRICS, type Family, type MetricRegistry, type MetricSource } from '../../agent/metric-registry.js';
import { TELEMETRY } from '../../agent/services/telemetry-service.js';
import type { MetricsData } from '../../agent/pdata/model.js';
import { errors } from '../../agent/errors.js';
import { WarnLimiter } from '../../agent/metric-registry/warn-limit.js';
import { Accumulator } from './accumulator.js';
import type { PrometheusConfig } from './config.js';
import { Translator } from './translate.js';

/** How often consume() also sweeps expired series when nobody scrapes (ms). */
const SWEEP_EVERY_MS = 10_000;
/** At most one warning per metric family (or invalid OTLP name) per this long (ms). */
const WARN_EVERY_MS = 60_000;

/** The exporter: a metrics consumer plus a pull source registered with the registry. */
export class PrometheusExporter implements Component, MetricSource {
  readonly metrics: Consumer<MetricsData>;
  private readonly acc: Accumulator;
  private readonly translator: Translator;
  private registry: MetricRegistry | undefined;
  private unregister: (() => void) | undefined;
  private detach: (() => void) | undefined;
  private readonly warnings: WarnLimiter;
  private stopped = false;
  private lastSweep = 0;
  private readonly droppedPoints;
  /** Applications' metrics: they never displace the agent's own families on /metrics. */
  readonly origin = 'app' as const;

  private readonly now: () => number;

  constructor(private readonly settings: CreateSettings, private readonly cfg: PrometheusConfig) {
    this.now = () => settings.clock.now();
    this.acc = new Accumulator(cfg.metric_expiration, cfg.send_timestamps);
    this.translator = new Translator(cfg, this.acc);
    this.droppedPoints = settings.meter.createCounter('outrider_exporter_dropped_metric_points', {
      description: 'Metric points the prometheus exporter did not keep, by reason.',
    });
    this.warnings = new WarnLimiter(WARN_EVERY_MS, () => this.now());
    // one warning per family per minute; `suppressed` counts the repeats held back since the last one
    this.acc.onReject = (family, why) => {
      this.droppedPoints.add(1, { exporter: settings.id, reason: why });
      if (why === 'out_of_order') return;
      const suppressed = this.warnings.take(family);
      if (suppressed !== undefined) settings.logger.warn({ metric: family, reason: why, suppressed }, 'prometheus exporter dropped a point');
    };
    this.translator.onDrop = (metric, why, points, problem) => {
      if (points) this.droppedPoints.add(points, { exporter: settings.id, reason: why });
      if (why === 'delta_non_monotonic') return;
      const suppressed = this.warnings.take('\u0000' + why + '\u0000' + metric);
      if (suppressed === undefined) return;
      if (why === 'invalid_name') settings.logger.warn({ metric, reason: why, suppressed }, 'prometheus exporter skipped a metric whose name has no ASCII letter or digit');
      else settings.logger.warn({ metric, reason: why, problem, suppressed }, 'prometheus exporter dropped an invalid metric point');
    };
    this.metrics = { consume: (md) => this.consume(md), mutates: false };
  }

  /** Attaches to the registry (throws if another prometheus exporter already did) and starts serving. */
  async start(host: Host): Promise<void> {
    if (this.stopped || this.unregister) return;
    this.detach = host.findService(TELEMETRY)?.claimExposition(this.settings.id, this.cfg.enable_open_metrics);
    this.registry = host.service(METRICS);
    this.unregister = this.registry.register(this);
  }

  /** Translates a batch into the accumulated state. */
  async consume(md: MetricsData): Promise<void> {
    if (this.stopped) throw errors.shuttingDown(this.settings.id);
    const now = this.now();
    this.translator.consume(md, now);
    if (now - this.lastSweep > SWEEP_EVERY_MS) this.sweep(now);
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    this.acc.expire(now);
    this.translator.expireTargets(now, this.cfg.metric_expiration);
  }

  /** Called by the registry at each scrape. */
  collect(nowMs: number): Family[] {
    this.sweep(nowMs);
    const out: Family[] = [];
    if (this.translator.targets.size) {
      out.push({ name: 'target_info', help: 'Target metadata', type: 'gauge',
        series: [...this.translator.targets.keys()].map((labels) => ({ labels, value: 1 })) });
    }
    out.push(...this.acc.families());
    return out;
  }

  /**
   * Called by the registry when a scrape leaves out one of these families (it claims a name of
   * the agent's own, or of another family); the registry logs it, this counts its series.
   */
  dropped(_family: string, series: number, reason: 'agent_name' | 'name_conflict'): void {
    this.droppedPoints.add(series, { exporter: this.settings.id, reason });
  }

  /** Number of translated series held (target_info excluded). */
  get seriesCount(): number { return this.acc.size; }

  readonly shutdown = once(async () => {
    this.stopped = true;
    this.unregister?.();
    this.unregister = undefined;
    this.detach?.();
    this.detach = undefined;
  });
}

// The agent's own telemetry: a MeterProvider with a pull reader, collected by the PrometheusRegistry
// at each scrape of /metrics.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

/**
 * A reader that only answers `collect()` (cumulative, default aggregations): what the registry
 * needs at each scrape. It stands where `@opentelemetry/exporter-prometheus`'s serverless
 * PrometheusExporter stood — that package pins its own copies of sdk-metrics, resources and core,
 * ~2.5 MiB more resident memory for a reader whose serializer the agent never used.
 */
export class SelfReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }

  protected override async onShutdown(): Promise<void> {}

  protected override async onForceFlush(): Promise<void> {}
}

/** The agent's MeterProvider, its `outrider` meter and the reader to hand to the registry. */
export interface SelfTelemetry {
  meterProvider: MeterProvider;
  meter: Meter;
  exporter: SelfReader;
  /** Shuts the MeterProvider down and stops the event-loop delay monitor. */
  shutdown(): Promise<void>;
}

/**
 * Creates the self-telemetry MeterProvider (from `@opentelemetry/sdk-metrics`, not sdk-node:
 * same class, less to load) with a {@link SelfReader} and the resource `service.name=outrider` (plus `service.version` when given).
 * Pass `exporter` to `new PrometheusRegistry({ selfTelemetry })`; call
 * `meterProvider.shutdown()` at agent stop.
 */
export function createSelfTelemetry(opts: { serviceVersion?: string; serviceInstanceId?: string } = {}): SelfTelemetry {
  const exporter = new SelfReader();
  const attrs: Record<string, string> = { 'service.name': 'outrider' };
  if (opts.serviceVersion) attrs['service.version'] = opts.serviceVersion;
  if (opts.serviceInstanceId) attrs['service.instance.id'] = opts.serviceInstanceId;
  const meterProvider = new MeterProvider({ resource: resourceFromAttributes(attrs), readers: [exporter] });
  const meter = meterProvider.getMeter('outrider');
  const stopMonitor = observeProcess(meter);
  return { meterProvider, meter, exporter, shutdown: async () => { stopMonitor(); await meterProvider.shutdown(); } };
}

/**
 * The process's own health, under the names Prometheus client libraries use:
 * `process_resident_memory_bytes`, `process_cpu_seconds_total` (user + system) and
 * `nodejs_eventloop_lag_p99_seconds` (event-loop delay p99 since the previous scrape).
 */
function observeProcess(meter: Meter): () => void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  meter.createObservableGauge('process_resident_memory_bytes', { description: 'Resident memory size in bytes.' })
    .addCallback((r) => r.observe(process.memoryUsage.rss()));
  meter.createObservableCounter('process_cpu_seconds', { description: 'Total user and system CPU time spent in seconds.' })
    .addCallback((r) => { const u = process.cpuUsage(); r.observe((u.user + u.system) / 1e6); });
  meter.createObservableGauge('nodejs_eventloop_lag_p99_seconds', { description: 'The 99th percentile of event-loop delay since the previous scrape, in seconds.' })
    .addCallback((r) => { r.observe(delay.count > 0 ? delay.percentile(99) / 1e9 : 0); delay.reset(); });
  return () => delay.disable();
}

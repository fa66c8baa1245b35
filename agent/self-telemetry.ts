// The agent's own telemetry: a MeterProvider whose reader is a serverless PrometheusExporter,
// collected by the PrometheusRegistry at each scrape of /metrics.
import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** The agent's MeterProvider, its `outrider` meter and the reader to hand to the registry. */
export interface SelfTelemetry {
  meterProvider: MeterProvider;
  meter: Meter;
  exporter: PrometheusExporter;
}

/**
 * Creates the self-telemetry MeterProvider (from `@opentelemetry/sdk-metrics`, not sdk-node:
 * same class, less to load) with a `PrometheusExporter({ preventServerStart: true })` reader
 * and the resource `service.name=outrider` (plus `service.version` when given).
 * Pass `exporter` to `new PrometheusRegistry({ selfTelemetry })`; call
 * `meterProvider.shutdown()` at agent stop.
 */
export function createSelfTelemetry(opts: { serviceVersion?: string; serviceInstanceId?: string } = {}): SelfTelemetry {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const attrs: Record<string, string> = { 'service.name': 'outrider' };
  if (opts.serviceVersion) attrs['service.version'] = opts.serviceVersion;
  if (opts.serviceInstanceId) attrs['service.instance.id'] = opts.serviceInstanceId;
  const meterProvider = new MeterProvider({ resource: resourceFromAttributes(attrs), readers: [exporter] });
  const meter = meterProvider.getMeter('outrider');
  return { meterProvider, meter, exporter };
}

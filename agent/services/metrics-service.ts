// The metric registry as a service (`host.service(METRICS)`): what /metrics renders — translated
// OTLP metrics, derived series and the agent's own telemetry. The agent creates it (no config).
import { once } from '../component.js';
import { METRICS, PrometheusRegistry, type MetricRegistry } from '../metric-registry.js';
import { serviceKey, type Service } from '../service.js';
import type { SelfTelemetry } from '../self-telemetry.js';

/** What the telemetry server renders: the registry's exposition. */
export interface Exposition {
  render(accept: string | undefined, openMetrics?: boolean): Promise<{ contentType: string; body: string }>;
}

/** The exposition of the agent's registry, for the telemetry server (not for components). */
export const EXPOSITION = serviceKey<Exposition>('exposition');

/** The registry service, and the same registry under {@link EXPOSITION}. */
export function createMetricsServices(telemetry: SelfTelemetry, logger: { warn(obj: object, msg: string): void }, now: () => number): [Service<MetricRegistry>, Service<Exposition>] {
  const registry = new PrometheusRegistry({ selfTelemetry: telemetry.exporter, onConflict: PrometheusRegistry.logConflicts(logger), now });
  const lifecycle = { start: async () => {}, shutdown: once(async () => {}) };
  return [{ key: METRICS, api: registry, ...lifecycle }, { key: EXPOSITION, api: registry, ...lifecycle }];
}

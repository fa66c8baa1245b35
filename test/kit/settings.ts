// CreateSettings for unit tests: silent logger, a real meter and registry, an in-memory store.
import { pino } from 'pino';
import type { CreateSettings } from '../../agent/component.js';
import { PrometheusRegistry } from '../../agent/metric-registry.js';
import { createSelfTelemetry } from '../../agent/self-telemetry.js';
import { Store } from '../../agent/store/store.js';

export function testSettings(id: string, pipeline?: string): CreateSettings & { render(): Promise<string> } {
  const telemetry = createSelfTelemetry();
  const registry = new PrometheusRegistry({ selfTelemetry: telemetry.exporter });
  return {
    id, pipeline, logger: pino({ level: 'silent' }), meter: telemetry.meter, registry, store: new Store(':memory:'),
    render: async () => (await registry.render(undefined)).body,
  };
}

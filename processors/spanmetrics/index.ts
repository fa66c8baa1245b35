// The `spanmetrics` processor factory: RED metrics from spans into the agent's metric registry.
import { configFromSchema, type ProcessorFactory } from '../../agent/component.js';
import { spanMetricsConfigSchema, type SpanMetricsConfig } from './config.js';
import { SpanMetricsProcessor } from './spanmetrics.js';


/** Factory of type `spanmetrics` (signals: traces). */
export const spanMetricsProcessorFactory: ProcessorFactory<SpanMetricsConfig> = {
  kind: 'processor',
  type: 'spanmetrics',
  signals: ['traces'],
  ...configFromSchema<SpanMetricsConfig>('spanmetrics', spanMetricsConfigSchema),
  create: { traces: (settings, config, next) => new SpanMetricsProcessor(settings, config, next) },
};

// otlp exporter: sends traces, metrics and logs to any OTLP/gRPC backend (Jaeger, a Collector gateway).
import type { ExporterFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { otlpConfigSchema, type OtlpConfig } from './config.js';
import { createOtlpExporter } from './otlp.js';


/** The `otlp` exporter factory (instances `otlp`, `otlp/jaeger`, …). */
export const otlpExporterFactory: ExporterFactory<OtlpConfig> = {
  kind: 'exporter',
  type: 'otlp',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('otlp', otlpConfigSchema),
  create: createOtlpExporter,
};

// otlphttp exporter: sends traces, metrics and logs as OTLP/HTTP protobuf (POST /v1/traces, …).
import type { ExporterFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { otlphttpConfigSchema, type OtlphttpConfig } from './config.js';
import { createOtlphttpExporter } from './otlphttp.js';


/** The `otlphttp` exporter factory (instances `otlphttp`, `otlphttp/gateway`, …). */
export const otlphttpExporterFactory: ExporterFactory<OtlphttpConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('otlphttp', otlphttpConfigSchema),
  create: createOtlphttpExporter,
};

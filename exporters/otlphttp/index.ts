// otlphttp exporter: sends traces, metrics and logs as OTLP/HTTP protobuf (POST /v1/traces, …).
import type { ExporterFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { createQueuedExporter } from '../../agent/exporterhelper/exporter.js';
import { otlphttpConfigSchema, type OtlphttpConfig } from './config.js';
import { HttpTransport } from './http-transport.js';


/** The `otlphttp` exporter factory (instances `otlphttp`, `otlphttp/gateway`, …). */
export const otlphttpExporterFactory: ExporterFactory<OtlphttpConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('otlphttp', otlphttpConfigSchema),
  create(settings, config, signals) {
    return createQueuedExporter({ settings, config, signals, createTransport: () => new HttpTransport(settings.id, config) });
  },
};

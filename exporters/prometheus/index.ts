// The `prometheus` exporter factory: OTLP metrics translated and served at the agent's /metrics.
import { configFromSchema, type ExporterFactory } from '../../agent/component.js';
import { prometheusConfigSchema, type PrometheusConfig } from './config.js';
import { PrometheusExporter } from './prometheus.js';


/** Factory of type `prometheus` (signals: metrics). Needs `settings.registry` to be the agent's registry. */
export const prometheusExporterFactory: ExporterFactory<PrometheusConfig> = {
  kind: 'exporter',
  type: 'prometheus',
  signals: ['metrics'],
  ...configFromSchema<PrometheusConfig>('prometheus', prometheusConfigSchema),
  create(settings, config) {
    return new PrometheusExporter(settings, config);
  },
};

// nop exporter factory: drops every batch (benchmarks, pipelines kept only for their side effects).
import type { ExporterFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { nopConfigSchema, type NopConfig } from './config.js';
import { createNopExporter } from './nop.js';

export const nopFactory: ExporterFactory<NopConfig> = {
  kind: 'exporter',
  type: 'nop',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('nop', nopConfigSchema),
  create: (_settings, _config, signals) => createNopExporter(signals),
};

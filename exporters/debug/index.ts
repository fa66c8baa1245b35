// debug exporter factory: logs what passes through, for trying out pipelines.
import type { ExporterFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { debugConfigSchema, type DebugConfig } from './config.js';
import { createDebugExporter } from './debug.js';

export const debugFactory: ExporterFactory<DebugConfig> = {
  kind: 'exporter',
  type: 'debug',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('debug', debugConfigSchema),
  create: createDebugExporter,
};

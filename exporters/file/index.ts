// file exporter factory: every batch as one OTLP/JSON line in a file.
import type { ExporterFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { fileConfigSchema, type FileConfig } from './config.js';
import { createFileExporter } from './file.js';

export const fileFactory: ExporterFactory<FileConfig> = {
  kind: 'exporter',
  type: 'file',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('file', fileConfigSchema),
  create: createFileExporter,
};

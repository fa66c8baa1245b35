// batch processor factory.
import type { ProcessorFactory } from '../../agent/component.js';
import { configFromSchema, forEverySignal } from '../../agent/component.js';
import { Batcher } from './batch.js';
import { batchConfigSchema, type BatchConfig } from './config.js';

export const batchFactory: ProcessorFactory<BatchConfig> = {
  kind: 'processor',
  type: 'batch',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('batch', batchConfigSchema),
  create: forEverySignal((settings, config, signal, next) => new Batcher(settings, config, signal, next)),
};

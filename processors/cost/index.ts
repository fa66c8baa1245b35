// The `cost` processor factory: a price on every span (LLM tokens, compute time, ingest bytes).
import { configFromSchema, type ProcessorFactory } from '../../agent/component.js';
import { costConfigSchema, type CostConfig } from './config.js';
import { CostProcessor } from './cost.js';

/** Factory of type `cost` (signals: traces). */
export const costProcessorFactory: ProcessorFactory<CostConfig> = {
  kind: 'processor',
  type: 'cost',
  signals: ['traces'],
  /** Rollups live in the store: `validate` checks storage.path. */
  usesStore: true,
  ...configFromSchema<CostConfig>('cost', costConfigSchema),
  create: { traces: (settings, config, next) => new CostProcessor(settings, config, next) },
};

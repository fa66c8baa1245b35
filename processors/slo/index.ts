// The `slo` processor factory: SLOs counted from every span, kept in SQLite, with burn rates.
import { configFromSchema, type ProcessorFactory } from '../../agent/component.js';
import { sloConfigSchema, type SloConfig } from './config.js';
import { SloProcessor } from './slo.js';

/** Factory of type `slo` (signals: traces). */
export const sloProcessorFactory: ProcessorFactory<SloConfig> = {
  kind: 'processor',
  type: 'slo',
  signals: ['traces'],
  usesStore: true,
  ...configFromSchema<SloConfig>('slo', sloConfigSchema),
  create: { traces: (settings, config, next) => new SloProcessor(settings, config, next) },
};

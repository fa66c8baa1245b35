// The `probabilistic_sampler` processor factory: consistent head sampling by trace randomness (OTEP 235).
import { configFromSchema, type ProcessorFactory } from '../../agent/component.js';
import { probabilisticSamplerConfigSchema, type ProbabilisticSamplerConfig } from './config.js';
import { ProbabilisticSampler } from './probabilistic_sampler.js';

/** Factory of type `probabilistic_sampler` (signals: traces). */
export const probabilisticSamplerFactory: ProcessorFactory<ProbabilisticSamplerConfig> = {
  kind: 'processor',
  type: 'probabilistic_sampler',
  signals: ['traces'],
  ...configFromSchema<ProbabilisticSamplerConfig>('probabilistic_sampler', probabilisticSamplerConfigSchema),
  create: { traces: (settings, config, next) => new ProbabilisticSampler(settings, config, next) },
};

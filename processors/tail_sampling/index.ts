// The `tail_sampling` processor factory: decides per trace, after buffering, by policy.
import { configFromSchema, type ProcessorFactory } from '../../agent/component.js';
import { tailSamplingConfigSchema, type TailSamplingConfig } from './config.js';
import { TailSampler } from './tail_sampling.js';

/** Factory of type `tail_sampling` (signals: traces). */
export const tailSamplingFactory: ProcessorFactory<TailSamplingConfig> = {
  kind: 'processor',
  type: 'tail_sampling',
  signals: ['traces'],
  ...configFromSchema<TailSamplingConfig>('tail_sampling', tailSamplingConfigSchema),
  create: { traces: (settings, config, next) => new TailSampler(settings, config, next) },
};

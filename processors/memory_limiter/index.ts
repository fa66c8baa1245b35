// memory_limiter factory.
import type { ProcessorFactory } from '../../agent/component.js';
import { configFromSchema, forEverySignal } from '../../agent/component.js';
import { memoryLimiterConfigSchema, type MemoryLimiterConfig } from './config.js';
import { MemoryLimiter } from './memory_limiter.js';

export const memoryLimiterFactory: ProcessorFactory<MemoryLimiterConfig> = {
  kind: 'processor',
  type: 'memory_limiter',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('memory_limiter', memoryLimiterConfigSchema),
  create: forEverySignal((settings, config, signal, next) => new MemoryLimiter(settings, config, signal, next)),
};

// forward connector factory: joins pipelines of the same signal.
import type { ConnectorFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { forwardConfigSchema, type ForwardConfig } from './config.js';
import { createForwardConnector } from './forward.js';

export const forwardFactory: ConnectorFactory<ForwardConfig> = {
  kind: 'connector',
  type: 'forward',
  signals: ['traces', 'metrics', 'logs'],
  pairs: [['traces', 'traces'], ['metrics', 'metrics'], ['logs', 'logs']],
  ...configFromSchema('forward', forwardConfigSchema),
  create: (_settings, _config, next) => createForwardConnector(next),
};

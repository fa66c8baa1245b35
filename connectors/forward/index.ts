// forward connector: joins pipelines of the same signal — what one pipeline exports to it, the
// pipelines that list it as a receiver get.
import { z } from 'zod';
import type { ConnectorFactory } from '../../agent/component.js';
import { configFromSchema, once } from '../../agent/component.js';

export const forwardFactory: ConnectorFactory<Record<string, never>> = {
  kind: 'connector',
  type: 'forward',
  signals: ['traces', 'metrics', 'logs'],
  pairs: [['traces', 'traces'], ['metrics', 'metrics'], ['logs', 'logs']],
  ...configFromSchema('forward', z.strictObject({})),
  create: (_settings, _config, next) => ({ ...next, start: async () => {}, shutdown: once(async () => {}) }),
};

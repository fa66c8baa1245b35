// otlp receiver factory.
import type { ReceiverFactory } from '../../agent/component.js';
import { configFromSchema } from '../../agent/component.js';
import { otlpConfigSchema, type OtlpReceiverConfig } from './config.js';
import { OtlpReceiver } from './otlp.js';

export const otlpReceiverFactory: ReceiverFactory<OtlpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('otlp', otlpConfigSchema),
  create: (settings, config, next) => new OtlpReceiver(settings, config, next),
};

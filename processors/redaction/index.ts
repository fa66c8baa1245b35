// The `redaction` processor factory: deletes, masks or hashes sensitive attributes (the Collector's
// keys, plus built-in detectors of cards, bearer tokens, JWTs and AWS keys, and credential keys).
import { configFromSchema, forEverySignal, type ProcessorFactory } from '../../agent/component.js';
import { redactionConfigSchema, type RedactionConfig } from './config.js';
import { RedactionProcessor } from './redaction.js';

/** Factory of type `redaction` (signals: traces, metrics, logs). */
export const redactionFactory: ProcessorFactory<RedactionConfig> = {
  kind: 'processor',
  type: 'redaction',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema<RedactionConfig>('redaction', redactionConfigSchema),
  create: forEverySignal((settings, config, signal, next) => new RedactionProcessor(settings, config, signal, next)),
};

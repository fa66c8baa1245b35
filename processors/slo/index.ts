// The `slo` processor factory: SLOs counted from every span and from received counters, kept in SQLite, with burn rates.
import { configFromSchema, type ProcessorFactory } from '../../agent/component.js';
import { sloConfigSchema, type SloConfig } from './config.js';
import { SloProcessor } from './slo.js';

/** Factory of type `slo` (signals: traces for span SLIs, metrics for ratio SLIs). */
export const sloProcessorFactory: ProcessorFactory<SloConfig> = {
  kind: 'processor',
  type: 'slo',
  signals: ['traces', 'metrics'],
  usesStore: true,
  ...configFromSchema<SloConfig>('slo', sloConfigSchema),
  warnings: (config, signals) => config.objectives.flatMap((o) => {
    const needs = o.sli.kind === 'ratio' ? 'metrics' : 'traces';
    return signals.includes(needs) ? [] : [{ path: 'objectives', message: `SLO '${o.name}' is counted only by an slo processor in a ${needs} pipeline, and no ${needs} pipeline uses this one` }];
  }),
  create: {
    traces: (settings, config, next) => new SloProcessor(settings, config, next, 'traces'),
    metrics: (settings, config, next) => new SloProcessor(settings, config, next, 'metrics'),
  },
};

// nop exporter: accepts every batch and drops it (for benchmarks and for pipelines kept only for their side effects).
import { z } from 'zod';
import type { ExporterFactory, SignalConsumers } from '../../agent/component.js';
import { configFromSchema, once } from '../../agent/component.js';
import type { Signal } from '../../agent/pdata/model.js';

export const nopFactory: ExporterFactory<Record<string, never>> = {
  kind: 'exporter',
  type: 'nop',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('nop', z.strictObject({})),
  create(_settings, _config, signals) {
    const consumers: SignalConsumers = {};
    for (const s of signals) (consumers as Record<Signal, unknown>)[s] = { mutates: false, consume: async () => {} };
    return { ...consumers, start: async () => {}, shutdown: once(async () => {}) };
  },
};

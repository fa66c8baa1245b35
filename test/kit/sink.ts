// A test exporter that keeps every batch in memory, with waits on item counts.
import { z } from 'zod';
import type { ExporterFactory, SignalConsumers } from '../../agent/component.js';
import { configFromSchema, once } from '../../agent/component.js';
import { errors } from '../../agent/errors.js';
import { itemCount } from '../../agent/pdata/count.js';
import type { Signal, SignalData } from '../../agent/pdata/model.js';

export interface Sink {
  /** Register with `Agent.start(config, { factories: [sink.factory] })`; config type `sink`. */
  factory: ExporterFactory;
  received: { [S in Signal]: SignalData[S][] };
  count(signal: Signal): number;
  /** Resolves once at least `n` items of `signal` arrived; rejects after `timeoutMs`. */
  waitFor(signal: Signal, n: number, timeoutMs?: number): Promise<void>;
  /** While set, every consume fails with this (retryable) error. */
  failWith: Error | undefined;
}

export function createSink(): Sink {
  const received = { traces: [], metrics: [], logs: [] } as unknown as Sink['received'];
  const counts: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  const waiters: Array<{ signal: Signal; n: number; resolve: () => void }> = [];
  const sink: Sink = {
    failWith: undefined,
    received,
    count: (s) => counts[s],
    waitFor(signal, n, timeoutMs = 10_000) {
      if (counts[signal] >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sink: waited ${timeoutMs}ms for ${n} ${signal} items, have ${counts[signal]}`)), timeoutMs);
        waiters.push({ signal, n, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
    factory: {
      kind: 'exporter',
      type: 'sink',
      signals: ['traces', 'metrics', 'logs'],
      ...configFromSchema('sink', z.strictObject({})),
      create(_settings, _config, signals) {
        const consumers: SignalConsumers = {};
        for (const signal of signals) {
          (consumers as Record<Signal, unknown>)[signal] = {
            mutates: false,
            async consume(data: SignalData[Signal]) {
              if (sink.failWith) throw errors.exportFailed(sink.failWith.message, true);
              (received[signal] as SignalData[Signal][]).push(data);
              counts[signal] += itemCount(signal, data);
              for (let i = waiters.length - 1; i >= 0; i--) {
                const w = waiters[i]!;
                if (w.signal === signal && counts[signal] >= w.n) { waiters.splice(i, 1); w.resolve(); }
              }
            },
          };
        }
        return { ...consumers, start: async () => {}, shutdown: once(async () => {}) };
      },
    },
  };
  return sink;
}

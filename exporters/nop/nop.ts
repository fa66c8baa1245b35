// The nop exporter: accepts every batch and drops it.
import type { Component, SignalConsumers } from '../../agent/component.js';
import { consumersFor, once } from '../../agent/component.js';
import type { Signal } from '../../agent/pdata/model.js';

/** An exporter that drops everything it is given, at once. */
export function createNopExporter(signals: readonly Signal[]): Component & SignalConsumers {
  const consumers = consumersFor(signals, () => ({ mutates: false, consume: async () => {} }));
  return { ...consumers, start: async () => {}, shutdown: once(async () => {}) };
}

// The forward connector: what one pipeline exports to it, the pipelines that list it as a receiver get.
import type { Component, SignalConsumers } from '../../agent/component.js';
import { once } from '../../agent/component.js';

/** Passes each signal on to the pipelines it feeds, unchanged. */
export function createForwardConnector(next: SignalConsumers): Component & SignalConsumers {
  return { ...next, start: async () => {}, shutdown: once(async () => {}) };
}

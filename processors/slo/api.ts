// What other parts of the agent read from the SLO processor: statuses and the trace ids behind bad events.
import { serviceKey } from '../../agent/service.js';
import type { SloStatus } from './evaluate.js';

/** The SLO state, read-only. */
export interface SloApi {
  /** Every SLO evaluated now, in config order. */
  list(): SloStatus[];
  /** One SLO evaluated now, or undefined. */
  get(name: string): SloStatus | undefined;
  /** The most recent bad-event trace ids (hex) of an SLO, newest last. */
  badTraceIds(name: string): string[];
}

/** The `slo` service's API: every running slo processor's SLOs, and where processors attach. */
export interface SloBoard extends SloApi {
  /** Makes a processor's SLOs readable; returns the detach function (a no-op once replaced under the same id). */
  attach(id: string, api: SloApi): () => void;
}

/** The SLO state for the rest of the agent: `host.findService(SLO)` (the `slo` service). */
export const SLO = serviceKey<SloBoard>('slo');

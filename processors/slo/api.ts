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

/**
 * The key under which the SLO state is to be served (`host.findService(SLO)`). Today the processor
 * holds it (`SloProcessor.api`); a later SLO service registers it for the admin API and alerting.
 */
export const SLO = serviceKey<SloApi>('slo');

// Delivery settings every notifier takes beside its own keys (`timeout`, `retry`): the service
// splits them off, so the notifiers' own schemas stay pure.
import { z } from 'zod';
import { duration, num } from '../../config/schema-helpers.js';

/** The keys the service reserves in every `notifiers.<type>/<name>` section. */
export const DELIVERY_KEYS = ['timeout', 'retry'] as const;

/** `timeout` and `retry` of one notifier. Durations ("5s") parse to ms. */
export const deliverySchema = z.strictObject({
  /** Deadline of one send attempt; the attempt is aborted and retried after it. Default 10s. */
  timeout: duration().default(10_000),
  retry: z.strictObject({
    /** Upper bound of the first wait (full jitter: each wait is drawn from [0, bound]). Default 5s. */
    initial_interval: duration().default(5_000),
    /** Cap on the bound of one wait. Default 5m. */
    max_interval: duration().default(300_000),
    /** Growth factor of the bound per attempt. Default 2. */
    multiplier: num({ min: 1 }).default(2),
    /** A notification still undelivered this long after it was queued goes to the dead letters. Default 1h. */
    max_elapsed_time: duration().default(3_600_000),
  }).prefault({}),
}).prefault({});
export type DeliveryConfig = z.output<typeof deliverySchema>;

/** Splits a raw notifier section into its delivery keys and the notifier's own keys. */
export function splitDelivery(raw: unknown): { delivery: Record<string, unknown>; own: unknown } {
  if (raw === null || raw === undefined) return { delivery: {}, own: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { delivery: {}, own: raw };
  const delivery: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) ((DELIVERY_KEYS as readonly string[]).includes(k) ? delivery : own)[k] = v;
  return { delivery, own };
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed (1-based): exponential backoff with
 * full jitter, `random() × min(max_interval, initial_interval × multiplier^(attempt−1))`, or the
 * peer's Retry-After when that is longer.
 */
export function backoffMs(retry: DeliveryConfig['retry'], attempt: number, random: () => number, retryAfterMs = 0): number {
  const bound = Math.min(retry.max_interval, retry.initial_interval * retry.multiplier ** Math.max(0, attempt - 1));
  return Math.max(Math.round(random() * bound), Math.round(retryAfterMs));
}

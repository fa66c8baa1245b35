// batch processor config: size trigger, timeout, hard maximum, pending bound.
import { z } from 'zod';
import { duration, num } from '../../config/schema-helpers.js';

export const batchConfigSchema = z.strictObject({
  /** Items (spans, points, log records) that trigger a send. Default 8192. */
  send_batch_size: num({ int: true, min: 1 }).default(8192),
  /** Longest time a partial batch waits before it is sent. Default 200ms. */
  timeout: duration().default(200),
  /** Upper bound on items per sent batch; 0 = no bound (a batch may exceed send_batch_size). */
  send_batch_max_size: num({ int: true, min: 0 }).default(0),
  /**
   * Items held (buffered plus waiting to be retried downstream) before new data is refused
   * with a retryable error, so senders get backpressure rather than silent loss. Default 10× send_batch_size.
   */
  max_pending_items: num({ int: true, min: 0 }).default(0),
  /**
   * On shutdown, how long to keep delivering (and retrying) what is held; what is still held then
   * is dropped, logged and counted with reason "shutdown". Default 5s.
   */
  drain_timeout: duration().default(5000),
}).refine((c) => c.send_batch_max_size === 0 || c.send_batch_max_size >= c.send_batch_size, {
  message: 'send_batch_max_size must be 0 or at least send_batch_size',
  path: ['send_batch_max_size'],
});

export type BatchConfig = z.output<typeof batchConfigSchema>;

// Config of the probabilistic_sampler processor (the Collector's keys): a consistent OTEP 235 head
// sample of traces by their randomness (tracestate `ot=rv:` or the trace id's low 56 bits).
import { z } from 'zod';
import { bool, num } from '../../config/schema-helpers.js';

export const probabilisticSamplerConfigSchema = z.strictObject({
  /**
   * Percentage of traces kept, 0–100 (≥ 100 keeps all). Default 100 (the Collector's default is 0,
   * which keeps nothing; write the percentage explicitly).
   */
  sampling_percentage: num({ min: 0 }).default(100),
  /**
   * `proportional` (default): multiplies an upstream probability by this percentage (a 50 % head
   * sample through a 10 % sampler is kept at 5 %). `equalizing`: keeps the stricter of the upstream
   * and this percentage, so mixed SDK rates even out. Both only ever raise the threshold.
   */
  mode: z.enum(['proportional', 'equalizing'], {
    error: (iss) => `expected proportional or equalizing, got ${JSON.stringify(iss.input)}${iss.input === 'hash_seed' ? ' (hash_seed is not consistent across agents; use proportional)' : ''}`,
  }).default('proportional'),
  /** Hex digits of the threshold written to tracestate (1–14). Default 4. */
  sampling_precision: num({ int: true, min: 1, max: 14 }).default(4),
  /** Drop spans that carry no randomness (an all-zero trace id and no `rv`). Default true. */
  fail_closed: bool().default(true),
});

/** The validated config with defaults filled. */
export type ProbabilisticSamplerConfig = z.output<typeof probabilisticSamplerConfigSchema>;

// Config of the tail_sampling processor: the Collector's keys (decision_wait, num_traces,
// decision_cache, policies) plus the after-root wait and a per-trace span bound.
import { z } from 'zod';
import { bool, duration, num } from '../../config/schema-helpers.js';
import { policySchema } from './policy-config.js';

export const tailSamplingConfigSchema = z.strictObject({
  /** Longest a trace is buffered after its first span before it is decided (ms). Default 10s. */
  decision_wait: duration().default(10_000),
  /** Decide this long after the root span arrived, if sooner than decision_wait (ms). 0 = off. Default 2s. */
  decision_wait_after_root: duration().optional(),
  /** The Collector's name for decision_wait_after_root. */
  decision_wait_after_root_received: duration().optional(),
  /** Traces buffered at most; beyond it the oldest is decided early on what it has (counted as an eviction). Default 50000. */
  num_traces: num({ int: true, min: 1 }).default(50_000),
  /** Accepted for compatibility; buffers grow as needed. */
  expected_new_traces_per_sec: num({ int: true, min: 0 }).default(0),
  /** Spans buffered per trace; a trace reaching it is decided at once, so one runaway trace cannot starve the rest. Default 10000. */
  max_spans_per_trace: num({ int: true, min: 1 }).default(10_000),
  /** Trace ids remembered after a decision, so late spans follow it. Defaults 100000 each (the Collector's are 0, off). */
  decision_cache: z.strictObject({
    sampled_cache_size: num({ int: true, min: 0 }).default(100_000),
    non_sampled_cache_size: num({ int: true, min: 0 }).default(100_000),
  }).prefault({}),
  /** Stop evaluating at the first policy that samples. Default false. */
  sample_on_first_match: bool().default(false),
  /** At shutdown, drop buffered traces instead of deciding them on what they have. Default false. */
  drop_pending_traces_on_shutdown: bool().default(false),
  /**
   * Percentage of new traces kept by deterministic head sampling (OTEP 235) while the memory limiter
   * reports memory above its soft limit; nothing is buffered then. Default: the first top-level
   * `probabilistic` policy's percentage; without one (and unset), no fallback.
   */
  fallback_sampling_percentage: num({ min: 0, max: 100 }).optional(),
  /** Decision = drop unless some policy samples; a `drop` policy vetoes. Default: one always_sample policy. */
  policies: z.array(policySchema).default([{ name: 'always', type: 'always_sample' }]),
}).superRefine((c, ctx) => {
  if (c.decision_wait_after_root !== undefined && c.decision_wait_after_root_received !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['decision_wait_after_root_received'], message: 'set decision_wait_after_root or decision_wait_after_root_received, not both' });
  }
  if (c.decision_wait === 0) ctx.addIssue({ code: 'custom', path: ['decision_wait'], message: 'must be above 0' });
  const seen = new Set<string>();
  c.policies.forEach((p, i) => {
    if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['policies', i, 'name'], message: `duplicate policy name '${p.name}'` });
    seen.add(p.name);
  });
}).transform(({ decision_wait_after_root, decision_wait_after_root_received, ...c }) => ({
  ...c,
  /** Wait after the root span (ms), 0 = off. */
  decision_wait_after_root: decision_wait_after_root ?? decision_wait_after_root_received ?? 2000,
}));

/** The validated config with defaults filled (durations in ms). */
export type TailSamplingConfig = z.output<typeof tailSamplingConfigSchema>;

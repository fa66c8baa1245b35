// Tail-sampling policy configs in the Collector's shape, `{name, type, <type>: {...}}`, plus the
// Outrider policies `slo` and `dynamic`.
import { z } from 'zod';
import { bool, duration, num, scalarString } from '../../config/schema-helpers.js';

const name = z.string().min(1);
const numberValue = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) { ctx.issues.push({ code: 'custom', input: v, message: `expected a number, got '${v}'` }); return z.NEVER; }
  return n;
});

/** The leaf policies (usable at the top level and inside `and`, `drop` and `composite`). */
const leafVariants = [
  z.strictObject({ name, type: z.literal('always_sample') }),
  z.strictObject({ name, type: z.literal('status_code'), status_code: z.strictObject({
    /** Codes that sample the trace when any span has one: OK, ERROR, UNSET. */
    status_codes: z.array(z.enum(['OK', 'ERROR', 'UNSET'])).min(1),
  }) }),
  z.strictObject({ name, type: z.literal('latency'), latency: z.strictObject({
    /** Samples when the trace's duration (latest end − earliest start) is at least this (ms). */
    threshold_ms: num({ min: 0 }),
    /** When above 0: and at most this (ms). */
    upper_threshold_ms: num({ min: 0 }).default(0),
  }) }),
  z.strictObject({ name, type: z.literal('numeric_attribute'), numeric_attribute: z.strictObject({
    key: z.string().min(1), min_value: numberValue.optional(), max_value: numberValue.optional(), invert_match: bool().default(false),
  }) }),
  z.strictObject({ name, type: z.literal('string_attribute'), string_attribute: z.strictObject({
    key: z.string().min(1), values: z.array(scalarString()).min(1),
    /** Values are regular expressions (a match anywhere in the value counts, as in Go). */
    enabled_regex_matching: bool().default(false),
    /** Accepted for compatibility (the Collector's regex result cache); Outrider caches nothing. */
    cache_max_size: num({ int: true, min: 0 }).optional(),
    invert_match: bool().default(false),
  }) }),
  z.strictObject({ name, type: z.literal('boolean_attribute'), boolean_attribute: z.strictObject({
    key: z.string().min(1), value: bool(), invert_match: bool().default(false),
  }) }),
  z.strictObject({ name, type: z.literal('span_count'), span_count: z.strictObject({
    min_spans: num({ int: true, min: 0 }), max_spans: num({ int: true, min: 0 }).default(0),
  }) }),
  z.strictObject({ name, type: z.literal('trace_state'), trace_state: z.strictObject({
    key: z.string().min(1), values: z.array(z.string()).min(1),
  }) }),
  z.strictObject({ name, type: z.literal('probabilistic'), probabilistic: z.strictObject({
    sampling_percentage: num({ min: 0, max: 100 }),
    /** Accepted for compatibility; decisions use the trace's OTEP 235 randomness, consistent across agents. */
    hash_salt: z.string().optional(),
  }) }),
  z.strictObject({ name, type: z.literal('rate_limiting'), rate_limiting: z.strictObject({
    spans_per_second: num({ int: true, min: 1 }),
  }) }),
  z.strictObject({ name, type: z.literal('slo'), slo: z.strictObject({
    /** Only these SLO names (empty: any bad event). */
    names: z.array(z.string()).default([]),
  }).prefault({}) }),
  z.strictObject({ name, type: z.literal('dynamic'), dynamic: z.strictObject({
    /** Span (then resource) attributes forming the key, e.g. service.name, http.route, http.response.status_code. */
    key_fields: z.array(z.string().min(1)).min(1),
    /** Average sample rate aimed at: 1 in N traces kept overall. Default 10. */
    goal_sample_rate: num({ min: 1 }).default(10),
    /** How often rates are recomputed. Default 15s. */
    adjustment_interval: duration().default(15_000).refine((ms) => ms >= 100, { message: 'must be at least 100ms' }),
    /** Weight of the newest interval in the moving average (0–1]. Default 0.5. */
    weight: num({ min: 0.01, max: 1 }).default(0.5),
    /** Keys tracked; later keys share one overflow key. Default 500. */
    max_keys: num({ int: true, min: 1 }).default(500),
  }) }),
] as const;

/** One leaf policy. */
export const leafPolicySchema = z.discriminatedUnion('type', leafVariants);
export type LeafPolicyConfig = z.output<typeof leafPolicySchema>;

/** Any policy: a leaf, or `and`, `drop`, `composite` over leaves. */
export const policySchema = z.discriminatedUnion('type', [
  ...leafVariants,
  z.strictObject({ name, type: z.literal('and'), and: z.strictObject({ and_sub_policy: z.array(leafPolicySchema).min(1) }) }),
  z.strictObject({ name, type: z.literal('drop'), drop: z.strictObject({ drop_sub_policy: z.array(leafPolicySchema).min(1) }) }),
  z.strictObject({ name, type: z.literal('composite'), composite: z.strictObject({
    /** Spans per second all sub-policies together may keep. */
    max_total_spans_per_second: num({ int: true, min: 1 }),
    /** Sub-policy names in evaluation order (default: as listed). */
    policy_order: z.array(z.string()).optional(),
    composite_sub_policy: z.array(leafPolicySchema).min(1),
    /** Share of max_total_spans_per_second per sub-policy; unlisted ones share what is left. */
    rate_allocation: z.array(z.strictObject({ policy: z.string(), percent: num({ min: 0, max: 100 }) })).default([]),
  }) }),
]);
export type PolicyConfig = z.output<typeof policySchema>;

// The price table's format: per model, USD per 1M tokens by usage type, with anchored regex
// matching, priority, provider scoping, tiers and effective_from dates. Validated with zod.
import { z } from 'zod';
import { num } from '../../config/schema-helpers.js';

/** Usage types a price may be given for, in USD per 1M tokens. */
export const USAGE_TYPES = ['input', 'output', 'cache_read', 'cache_creation', 'reasoning'] as const;
export type UsageType = typeof USAGE_TYPES[number];

/** USD per 1M tokens by usage type; a missing cache price falls back to input, reasoning to output. */
export type Prices = Partial<Record<UsageType, number>>;

const usd = num({ min: 0 });
const prices = z.strictObject({
  input: usd.optional(), output: usd.optional(), cache_read: usd.optional(), cache_creation: usd.optional(), reasoning: usd.optional(),
});

/** `YYYY-MM-DD` (UTC midnight) or an ISO date-time, as ms since the epoch. */
const date = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const ms = v instanceof Date ? v.getTime() : /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.issues.push({ code: 'custom', input: v, message: `expected a date like 2025-06-01, got '${String(v)}'` });
    return z.NEVER;
  }
  return ms;
});

const pattern = z.string().min(1).superRefine((s, ctx) => {
  try { new RegExp(s); } catch (e) { ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` }); }
});

/** One model's prices. */
export const priceEntrySchema = z.strictObject({
  /** The model name; also the pattern when `match` is not given (exact, case-insensitive). */
  model: z.string().min(1),
  /** Regular expression over the span's model id, anchored at both ends, case-insensitive. */
  match: pattern.optional(),
  /** Only spans from this provider (`gen_ai.provider.name`, else `gen_ai.system`); one or several. */
  provider: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Among matching entries the highest priority wins (default 0). */
  priority: z.number().int().prefault(0),
  /** The entry applies to spans that started at or after this date (UTC). */
  effective_from: date.optional(),
  /** Whether `gen_ai.usage.input_tokens` already includes the cached tokens (the GenAI conventions say it does). */
  input_includes_cache: z.boolean().prefault(true),
  /** USD per 1M tokens. */
  prices: prices.refine((p) => p.input !== undefined || p.output !== undefined, { message: 'give at least an input or an output price' }),
  /** Prices that replace the base ones when the span's input tokens exceed `above_input_tokens`. */
  tiers: z.array(z.strictObject({ above_input_tokens: num({ int: true, min: 0 }), prices })).prefault([]),
});
export type PriceEntryInput = z.input<typeof priceEntrySchema>;
export type PriceEntry = z.output<typeof priceEntrySchema>;

/** A price file: its date and its models. */
export const priceFileSchema = z.strictObject({
  /** When the prices were last checked (informational; stamped in logs). */
  date: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)).optional(),
  /** Where the prices come from (informational). */
  source: z.string().optional(),
  models: z.array(priceEntrySchema),
});
export type PriceFile = z.output<typeof priceFileSchema>;

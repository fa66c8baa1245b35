// Config of the cost processor: LLM price tables, compute and ingest rates, attribution keys,
// rollup flushing and retention, budgets.
import { z } from 'zod';
import { bool, duration, num } from '../../config/schema-helpers.js';
import { priceEntrySchema } from './price-schema.js';
import { loadPriceFile } from './price-table.js';

/** OpenCost's default CPU price (GCP us-central1), USD per core-hour. */
export const DEFAULT_CPU_CORE_HOUR_USD = 0.031611;

const rate = z.strictObject({
  /** USD per core-hour. */
  cpu_core_hour_usd: num({ min: 0 }).optional(),
  /** Cores a request is charged for while it runs. */
  cores: num({ min: 0 }).optional(),
});

const budget = z.strictObject({
  name: z.string().min(1),
  /** Label values a cost must have to count: `service_name`, `kind`, `model`, and at most one attribution key. */
  match: z.record(z.string(), z.string()).prefault({}),
  /** The budget restarts at each UTC day or calendar month. */
  period: z.enum(['day', 'month']),
  /** USD for the period. */
  limit_usd: num({ min: 0 }),
});
export type BudgetConfig = z.output<typeof budget>;

const BUILTIN_MATCH_KEYS = new Set(['service_name', 'kind', 'model']);

/** Config schema; unknown keys rejected, defaults filled. */
export const costConfigSchema = z.strictObject({
  llm: z.strictObject({
    /** YAML price file (`models: [...]`), watched and reloaded when it changes; its entries beat the defaults. */
    prices_file: z.string().min(1).optional(),
    /** Inline price entries (same shape as a file's `models`); they beat the file's and the defaults. */
    prices: z.array(priceEntrySchema).prefault([]),
    /** Whether the default table shipped with the agent is used behind the configured prices. */
    include_defaults: bool().prefault(true),
    /** How often the price file is read and compared with the prices in force (ms). */
    reload_check_interval: duration().prefault('1s'),
    /** Distinct model label values kept in the series; later ones become `__overflow__`. */
    max_models: num({ int: true, min: 1 }).prefault(200),
  }).prefault({}),
  compute: z.strictObject({
    /** Prices SERVER and CONSUMER spans by their duration. */
    enabled: bool().prefault(true),
    /** USD per core-hour (OpenCost's default). */
    cpu_core_hour_usd: num({ min: 0 }).prefault(DEFAULT_CPU_CORE_HOUR_USD),
    /** Cores a request is charged for while it runs. */
    cores: num({ min: 0 }).prefault(1),
    /** Per `service.name` overrides of the rate or the cores. */
    services: z.record(z.string(), rate).prefault({}),
  }).prefault({}),
  ingest: z.strictObject({
    /** Where the telemetry goes and what it costs there, USD per GB (10^9 bytes) ingested. */
    destinations: z.array(z.strictObject({ name: z.string().min(1), usd_per_gb: num({ min: 0 }) })).prefault([]),
  }).prefault({}),
  attribution: z.strictObject({
    /** Span (then resource) attributes the rollups are also grouped by, e.g. `tenant.id`, `team`, `http.route`. */
    keys: z.array(z.string().min(1)).prefault([]),
    /** Distinct values kept per key; later ones are rolled up as `__overflow__`. */
    cardinality_limit: num({ int: true, min: 1 }).prefault(1000),
  }).prefault({}),
  /** How often the in-memory rollups are written to SQLite, in one transaction (ms). */
  flush_interval: duration().prefault('10s'),
  /** Rollup rows older than this are deleted (ms). */
  retention: duration().prefault('90d'),
  budgets: z.array(budget).prefault([]),
}).superRefine((c, ctx) => {
  if (c.flush_interval <= 0) ctx.addIssue({ code: 'custom', path: ['flush_interval'], message: 'must be more than 0' });
  if (c.llm.reload_check_interval <= 0) ctx.addIssue({ code: 'custom', path: ['llm', 'reload_check_interval'], message: 'must be more than 0' });
  if (c.llm.prices_file) {
    try { loadPriceFile(c.llm.prices_file); } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['llm', 'prices_file'], message: (e as Error).message });
    }
  }
  const keys = new Set(c.attribution.keys);
  const names = new Set<string>();
  c.budgets.forEach((b, i) => {
    if (names.has(b.name)) ctx.addIssue({ code: 'custom', path: ['budgets', i, 'name'], message: `duplicate budget name '${b.name}'` });
    names.add(b.name);
    const attrKeys = Object.keys(b.match).filter((k) => !BUILTIN_MATCH_KEYS.has(k));
    for (const k of attrKeys) {
      if (!keys.has(k)) ctx.addIssue({ code: 'custom', path: ['budgets', i, 'match', k], message: `'${k}' is neither service_name, kind, model nor one of attribution.keys` });
    }
    if (attrKeys.length > 1) ctx.addIssue({ code: 'custom', path: ['budgets', i, 'match'], message: `at most one attribution key per budget, got ${attrKeys.join(', ')}` });
    const kind = b.match.kind;
    if (kind !== undefined && !['llm', 'compute', 'ingest'].includes(kind)) ctx.addIssue({ code: 'custom', path: ['budgets', i, 'match', 'kind'], message: `must be llm, compute or ingest, got '${kind}'` });
  });
});

/** The validated config with defaults filled. */
export type CostConfig = z.output<typeof costConfigSchema>;

// Config of the slo processor: SLO definitions (service, match, SLI kind, objective, window),
// flush and evaluation intervals, the minimum-events guard and the bad-trace reservoir size.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { problemsOf } from '../../agent/component.js';
import { configParseOptions } from '../../config/error-map.js';
import { duration, num } from '../../config/schema-helpers.js';
import { fromOpenSlo } from './openslo.js';
import { parseSelector, type Selector } from './selector.js';

/** Span kinds by name, as OTLP numbers them. */
export const SPAN_KINDS = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
type KindName = keyof typeof SPAN_KINDS;

const DAY_MS = 86_400_000;

/** `0.999` or `"99.9%"` → 0.999; must lie in (0, 1). */
const objective = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const text = String(v).trim();
  const n = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) {
    ctx.issues.push({ code: 'custom', input: v, message: `objective must be a ratio in (0, 1) like 0.999 or a percentage like "99.9%", got '${text}'` });
    return z.NEVER;
  }
  return n;
});

/**
 * A rolling window in whole days (`7d`, `28d`, `30d`), or `month`: the calendar month so far (UTC).
 * `ms` is what the minute ring covers (31 days for `month`).
 */
const window = z.string().transform((v, ctx) => {
  if (v.trim() === 'month') return { ms: 31 * DAY_MS, calendar: true };
  const m = /^(\d+)d$/.exec(v.trim());
  const days = m ? Number(m[1]) : NaN;
  if (!(days >= 1 && days <= 90)) {
    ctx.issues.push({ code: 'custom', input: v, message: `window must be a rolling window of 1d to 90d like 28d or 30d, or month, got '${v}'` });
    return z.NEVER;
  }
  return { ms: days * DAY_MS, calendar: false };
});

const availability = z.strictObject({
  /** A server span whose HTTP status code is at least this is bad (0: HTTP codes never count). */
  http_status_min: num({ int: true, min: 0, max: 600 }).prefault(500),
  /** Span status ERROR is bad. */
  status_error: z.boolean().prefault(true),
  /** A server span whose `rpc.grpc.status_code` is one of these is bad (e.g. [2, 4, 13, 14, 15]). */
  grpc_status_codes: z.array(num({ int: true, min: 0, max: 16 })).prefault([]),
});

const selector = z.string().transform((v, ctx): Selector => {
  const sel = parseSelector(v);
  if (typeof sel === 'string') { ctx.issues.push({ code: 'custom', input: v, message: sel }); return z.NEVER; }
  return sel;
});

/**
 * Ratio over received monotonic counters (cumulative or delta Sums): `good` and `total`, or `bad`
 * and `total`, each a selector `name{key="v",key=~"re",…}` over point and resource attributes.
 */
const ratio = z.strictObject({ good: selector.optional(), bad: selector.optional(), total: selector }).superRefine((r, ctx) => {
  if ((r.good === undefined) === (r.bad === undefined)) ctx.addIssue({ code: 'custom', message: 'ratio needs good and total, or bad and total' });
});

const NO_SPAN_SLI = { http_status_min: 0, status_error: false, grpc_status_codes: [] as number[], threshold_ms: 0 };

const SLI_HELP = "sli must be 'availability', { availability: {...} }, { latency: <duration> } or { ratio: { good|bad: <selector>, total: <selector> } }";

/** One of the keys `availability`, `latency`, `ratio` (an object per kind, so a problem is reported in its own key). */
const sliObject = z.strictObject({ availability: availability.optional(), latency: duration().optional(), ratio: ratio.optional() })
  .superRefine((o, ctx) => {
    if ([o.availability, o.latency, o.ratio].filter((x) => x !== undefined).length !== 1) ctx.addIssue({ code: 'custom', message: SLI_HELP });
  })
  .transform((o) => {
    if (o.ratio) return { kind: 'ratio' as const, ...NO_SPAN_SLI, ratio: o.ratio };
    if (o.latency !== undefined) return { kind: 'latency' as const, ...NO_SPAN_SLI, threshold_ms: o.latency };
    return { kind: 'availability' as const, ...o.availability!, threshold_ms: 0 };
  });

const sli = z.union([
  z.literal('availability').transform(() => ({ kind: 'availability' as const, http_status_min: 500, status_error: true, grpc_status_codes: [] as number[], threshold_ms: 0 })),
  sliObject,
  // a problem inside one kind's key is reported there (config/error-map.ts); anything else gets the shapes
], { error: (iss) => (iss.code === 'invalid_union' && iss.errors.some((e) => (e[0]?.path.length ?? 0) > 0) ? undefined : SLI_HELP) });

/** Glob (`*` any run of characters) → anchored regex. */
function glob(p: string): RegExp {
  return new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

const match = z.strictObject({
  /** Span kinds counted. Default: SERVER and CONSUMER. */
  span_kinds: z.array(z.enum(Object.keys(SPAN_KINDS) as [KindName, ...KindName[]])).min(1).prefault(['SERVER', 'CONSUMER']),
  /** Span name globs (`*` wildcard); empty = any. */
  span_names: z.array(z.string().min(1)).prefault([]),
  /** `http.route` globs; empty = any (a span without the attribute matches only when this is empty). */
  http_routes: z.array(z.string().min(1)).prefault([]),
  /** Span attributes that must all hold these values (compared as text, e.g. `{ http.request.method: GET }`). */
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).prefault({}),
}).transform((m) => ({ kinds: m.span_kinds.map((k) => SPAN_KINDS[k]), names: m.span_names.map(glob), routes: m.http_routes.map(glob), attrs: Object.entries(m.attributes), raw: m }));

const objectiveFields = z.strictObject({
  /** Unique name; a Prometheus label value and a Sloth-compatible id. */
  name: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/, 'name must be letters, digits, - _ . (Sloth naming)'),
  /** `service.name` of the spans counted. */
  service: z.string().min(1),
  match: match.prefault({}),
  sli,
  objective,
  window: window.prefault('30d'),
  /**
   * OpenSLO budgeting: `occurrences` (good events / all events) or `timeslices` (good minutes /
   * minutes with events; a minute is good when its good/total ≥ `time_slice_target`).
   */
  budgeting: z.enum(['occurrences', 'timeslices']).prefault('occurrences'),
  /** Timeslices only: the ratio a one-minute slice needs to be good (default: the objective). */
  time_slice_target: objective.optional(),
  /** A burn-rate tier fires only when its long window holds at least this many (weighted) events (timeslices: minutes). */
  min_events: num({ min: 0 }).prefault(10),
});

/** One SLO; `time_slice_target` defaults to the objective. */
export const objectiveSchema = objectiveFields.transform((o) => ({
  ...o, window: o.window.ms, calendar: o.window.calendar, time_slice_target: o.time_slice_target ?? o.objective,
}));

type Objective = z.output<typeof objectiveSchema>;

/** The objectives of the OpenSLO `SLO` documents in `file`; every problem is pushed naming the file. */
function openSloObjectives(file: string, report: (message: string) => void): Objective[] {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { report(`cannot read '${file}': ${(e as Error).message}`); return []; }
  const { objectives, problems } = fromOpenSlo(text);
  for (const p of problems) report(`'${file}': ${p}`);
  const out: Objective[] = [];
  for (const o of objectives) {
    const r = objectiveSchema.safeParse(o, configParseOptions);
    if (r.success) out.push(r.data);
    else for (const p of problemsOf(r.error)) report(`'${file}': SLO '${String(o.name)}': ${p.path ? `${p.path}: ` : ''}${p.message}`);
  }
  return out;
}

/** Config schema; unknown keys rejected, defaults filled; objectives of `openslo_files` follow the inline ones. */
export const sloConfigSchema = z.strictObject({
  objectives: z.array(objectiveSchema).prefault([]),
  /** OpenSLO v1 files whose `SLO` documents are objectives too (read at validation and at every start, as `outrider slo import` reads them). */
  openslo_files: z.array(z.string().min(1)).prefault([]),
  /** How often the minute buckets gathered in memory are written to SQLite, in one transaction (ms). */
  flush_interval: duration().prefault('5s'),
  /** How often SLIs, budgets, burn rates and tiers are recomputed and published (ms). */
  evaluation_interval: duration().prefault('10s'),
  /** Recent bad-event trace ids kept per SLO. */
  bad_trace_ids: num({ int: true, min: 0, max: 1000 }).prefault(20),
}).transform((c, ctx) => {
  const origin = c.objectives.map((_, i): Array<string | number> => ['objectives', i, 'name']);
  const objectives = [...c.objectives];
  c.openslo_files.forEach((file, k) => {
    for (const o of openSloObjectives(file, (message) => ctx.issues.push({ code: 'custom', input: file, path: ['openslo_files', k], message }))) {
      objectives.push(o);
      origin.push(['openslo_files', k]);
    }
  });
  const seen = new Set<string>();
  objectives.forEach((o, i) => {
    if (seen.has(o.name)) {
      const where = origin[i]![0] === 'openslo_files' ? ` (from '${c.openslo_files[origin[i]![1] as number]}')` : '';
      ctx.issues.push({ code: 'custom', input: o.name, path: origin[i]!, message: `SLO name '${o.name}' is used twice${where}` });
    }
    seen.add(o.name);
  });
  if (c.flush_interval <= 0) ctx.issues.push({ code: 'custom', input: c.flush_interval, path: ['flush_interval'], message: 'must be more than 0' });
  if (c.evaluation_interval <= 0) ctx.issues.push({ code: 'custom', input: c.evaluation_interval, path: ['evaluation_interval'], message: 'must be more than 0' });
  return { ...c, objectives };
});

/** The validated config with defaults filled. */
export type SloConfig = z.output<typeof sloConfigSchema>;
/** One validated SLO definition. */
export type SloDefinition = z.output<typeof objectiveSchema>;

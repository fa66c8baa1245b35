// Shared zod building blocks for component configs: durations, sizes, endpoints, numbers and string maps from env.
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { parseEndpoint } from '../agent/endpoint.js';

export { splitEndpoint } from '../agent/endpoint.js';
import { describeValue } from './error-map.js';

const durationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationRe = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/;

/** Parses "200ms", "1m30s", "2h" into milliseconds; undefined when it is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  let rest = text.trim();
  if (rest === '' ) return undefined;
  if (rest === '0') return 0;
  let total = 0;
  while (rest.length > 0) {
    const m = durationRe.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * durationUnits[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/**
 * A duration written like the Collector's ("200ms", "5s", "1m30s"), parsed to milliseconds. A bare
 * number other than 0 is refused: the Collector would read it as nanoseconds, so it needs a unit.
 */
export function duration() {
  return z.union([z.string(), z.number()], { error: (iss) => `expected a duration like 200ms, got ${describeValue(iss.input)}` })
    .transform((v, ctx) => {
      if (v === 0 || v === '0') return 0;
      if (typeof v === 'number' || /^\s*-?\d+(\.\d+)?\s*$/.test(v)) {
        ctx.issues.push({ code: 'custom', input: v, message: `a duration needs a unit (ms, s, m, h), got ${typeof v === 'number' ? v : `'${v}'`}` });
        return z.NEVER;
      }
      const ms = parseDurationMs(v);
      if (ms === undefined || ms < 0) {
        ctx.issues.push({ code: 'custom', input: v, message: `expected a duration like 200ms, got '${v}'` });
        return z.NEVER;
      }
      return ms;
    });
}

/** A non-negative number, also accepted as a numeric string (values from ${env:…}). */
export function num(opts: { int?: boolean; min?: number; max?: number } = {}) {
  const what = opts.int ? 'an integer' : 'a number';
  return z.union([z.number(), z.string()], { error: (iss) => `expected ${what}, got ${describeValue(iss.input)}` }).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n))) {
      ctx.issues.push({ code: 'custom', input: v, message: `expected ${what}, got '${v}'` });
      return z.NEVER;
    }
    if (opts.min !== undefined && n < opts.min) {
      ctx.issues.push({ code: 'custom', input: v, message: `must be at least ${opts.min}, got ${n}` });
      return z.NEVER;
    }
    if (opts.max !== undefined && n > opts.max) {
      ctx.issues.push({ code: 'custom', input: v, message: `must be at most ${opts.max}, got ${n}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A boolean, also accepted as "true"/"false" (values from ${env:…}). */
export function bool() {
  return z.union([z.boolean(), z.enum(['true', 'false'])], { error: (iss) => `expected boolean, got ${describeValue(iss.input)}` })
    .transform((v) => v === true || v === 'true');
}

/** A string; a number or boolean is taken as its text, as the Collector reads scalars into string fields. */
export function scalarString() {
  return z.union([z.string(), z.number(), z.boolean()], { error: (iss) => `expected string, got ${describeValue(iss.input)}` })
    .transform((v) => String(v));
}

/** A map of strings (headers, labels); number and boolean values are taken as their text. */
export function stringMap<K extends z.core.$ZodRecordKey = z.ZodString>(key?: K) {
  return z.record((key ?? z.string()) as K, scalarString());
}

/** host:port; the host may be empty (all interfaces), a name, IPv4 or [IPv6]; port 0 picks a free one. */
export function endpoint() {
  return z.string().transform((v, ctx) => {
    if (!parseEndpoint(v)) {
      ctx.issues.push({ code: 'custom', input: v, message: `must be host:port, got '${v}'` });
      return z.NEVER;
    }
    return v;
  });
}

/** A path to a file this process can read (TLS material): checked by `outrider validate` too. */
export function readableFile() {
  return z.string().min(1).superRefine(checkReadable);
}

/** An optional readable file; empty (e.g. `${env:CA_FILE:-}` left unset) means not given. */
export function optionalReadableFile() {
  return z.string().optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.string().superRefine(checkReadable).optional());
}

function checkReadable(path: string, ctx: z.core.$RefinementCtx<string>): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
  }
}

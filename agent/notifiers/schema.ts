// zod building blocks the notifier configs share: http(s) URLs and secrets whose values never
// appear in a config problem.
import { z } from 'zod';

/** An absolute http:// or https:// URL. `secret`: the problem does not quote the value (webhook URLs hold tokens). */
export function httpUrl(opts: { secret?: boolean } = {}) {
  return z.string({ error: 'expected a URL string' }).superRefine((v, ctx) => {
    let ok = false;
    try { ok = ['http:', 'https:'].includes(new URL(v).protocol); } catch { ok = false; }
    if (!ok) ctx.addIssue({ code: 'custom', message: opts.secret ? 'must be an http:// or https:// URL' : `must be an http:// or https:// URL, got '${v}'` });
  });
}

/** A secret string: required, non-empty, checked by `test` (e.g. a length), its value never quoted. */
export function secretString(what: string, test: (v: string) => boolean = (v) => v.length > 0) {
  return z.string({ error: `expected ${what} (a string)` }).refine(test, { message: `must be ${what}` });
}

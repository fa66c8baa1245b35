// Zod pieces for notifier configs: absolute http(s) URLs, and a factory's default config whose
// required keys are left empty (the Collector's way: the default shows every key; validate says what is missing).
import { z } from 'zod';
import { isHttpUrl } from './notification-text.js';

/** A required absolute `http://` or `https://` URL. */
export function httpUrl() {
  return z.string({ error: 'is required: an http:// or https:// URL' }).refine(isHttpUrl, { message: 'must be an absolute http:// or https:// URL' });
}

/**
 * The default config of a notifier with required keys: the schema's defaults for the optional keys,
 * `required` for the others (empty strings, so `validate` of that default names what is missing).
 */
export function defaultsWith<C>(schema: z.ZodType<C>, required: Record<string, unknown>): () => C {
  return () => {
    const r = schema.safeParse(required);
    if (r.success) return r.data;
    // required values are empty: fill optional defaults through a shallow parse of what is valid
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
    const out: Record<string, unknown> = { ...required };
    for (const [k, t] of Object.entries(shape)) {
      if (k in required) continue;
      const v = t.safeParse(undefined);
      if (v.success && v.data !== undefined) out[k] = v.data;
    }
    return out as C;
  };
}

// The `notifiers` section: `type/name → config`, each entry validated by its type's factory, with the
// delivery keys (`timeout`, `retry`) the service adds to every notifier.
import { z } from 'zod';
import { problemsOf, type Problem } from '../component.js';
import { configParseOptions } from '../../config/error-map.js';
import { parseId } from '../../config/ids.js';
import type { NotifierFactory } from './api.js';
import { deliverySchema, splitDelivery, type DeliveryConfig } from './delivery-config.js';

/** One configured notifier, ready to create. */
export interface ChannelDecl {
  /** `type/name`. */
  id: string;
  type: string;
  factory: NotifierFactory;
  /** The notifier's own config, parsed by its factory (defaults filled). */
  config: unknown;
  delivery: DeliveryConfig;
  /** The section as written (own and delivery keys), kept for display (redacted) and for the store. */
  raw: Record<string, unknown>;
}

/** The parsed `notifiers` section, by id. */
export type NotifiersConfig = Record<string, ChannelDecl>;

/** Validates one `id: config` entry; problems have paths relative to the entry. */
export function parseChannel(id: string, raw: unknown, factories: readonly NotifierFactory[]): { decl?: ChannelDecl; problems: Problem[] } {
  const parsedId = parseId(id);
  if (typeof parsedId === 'string') return { problems: [{ path: '', message: parsedId }] };
  const factory = factories.find((f) => f.type === parsedId.type);
  if (!factory) {
    const known = factories.map((f) => f.type).sort().join(', ') || 'none';
    return { problems: [{ path: '', message: `unknown notifier type '${parsedId.type}' (known: ${known})` }] };
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    return { problems: [{ path: '', message: `expected a mapping of the ${factory.type} notifier's settings` }] };
  }
  const { delivery, own } = splitDelivery(raw);
  const d = deliverySchema.safeParse(delivery, configParseOptions);
  const problems = [...(d.success ? [] : problemsOf(d.error)), ...factory.validate(own)];
  if (problems.length > 0 || !d.success) return { problems };
  const config = factory.parse(own);
  return { decl: { id, type: factory.type, factory, config, delivery: d.data, raw: structuredClone((raw ?? {}) as Record<string, unknown>) }, problems: [] };
}

/** The schema of the `notifiers` section for the given notifier types. */
export function notifiersSchema(factories: readonly NotifierFactory[]): z.ZodType<NotifiersConfig> {
  return z.record(z.string(), z.unknown()).nullable().transform((section, ctx) => {
    const out: NotifiersConfig = {};
    for (const [id, raw] of Object.entries(section ?? {})) {
      const { decl, problems } = parseChannel(id, raw, factories);
      for (const p of problems) ctx.issues.push({ code: 'custom', input: raw, message: p.message, path: [id, ...(p.path ? p.path.split('.') : [])] });
      if (decl) out[id] = decl;
    }
    return out;
  }) as unknown as z.ZodType<NotifiersConfig>;
}

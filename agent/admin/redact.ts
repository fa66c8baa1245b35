// Secret redaction for everything the admin API shows or records: the effective config, channel
// configs, audit entries. Three nets: the notifier types' declared secret keys, any key whose name
// says secret, and — last — every string that contains a secret value found by the first two.
import type { NotifierFactory } from '../notifiers/api.js';
import { redactSecrets } from '../notifiers/api.js';

/** Keys whose string values are secrets wherever they appear. */
export const SECRET_KEY = /password|passwd|secret|token|api_key|apikey|routing_key|webhook_url|authorization|private_key/i;
export const REDACTED = '<redacted>';

type Tree = Record<string, unknown>;

/**
 * Strings under secret-named keys, also in lists under them (`tokens: [a, b]`); an object under
 * such a key is judged key by key (`tokens: [{name, token}]` keeps the names).
 */
function collectByKey(value: unknown, inside: boolean, out: Set<string>): void {
  if (typeof value === 'string') { if (inside && value !== '') out.add(value); return; }
  if (Array.isArray(value)) { for (const v of value) collectByKey(v, inside, out); return; }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectByKey(v, SECRET_KEY.test(k), out);
  }
}

/** The values at the notifier secret paths of the `notifiers` section. */
function collectNotifierSecrets(notifiers: unknown, factories: readonly NotifierFactory[], out: Set<string>): void {
  if (!notifiers || typeof notifiers !== 'object') return;
  for (const [id, cfg] of Object.entries(notifiers)) {
    for (const path of secretPathsOf(id.split('/')[0]!, factories)) {
      let node: unknown = cfg;
      for (const k of path.split('.')) node = node && typeof node === 'object' ? (node as Tree)[k] : undefined;
      if (typeof node === 'string' && node !== '') out.add(node);
    }
  }
}

/** The declared secret keys of a notifier type (none for an unknown type). */
export function secretPathsOf(type: string, factories: readonly NotifierFactory[]): readonly string[] {
  return factories.find((f) => f.type === type)?.secrets ?? [];
}

/** Every secret string of a config tree: notifier secrets, admin tokens, secret-named keys. */
export function secretValues(tree: unknown, factories: readonly NotifierFactory[]): Set<string> {
  const out = new Set<string>();
  collectByKey(tree, false, out);
  collectNotifierSecrets((tree as Tree | undefined)?.notifiers, factories, out);
  return out;
}

/** A deep copy with every string that contains one of `secrets` replaced (longest secrets first). */
export function scrub<T>(value: T, secrets: ReadonlySet<string>): T {
  if (secrets.size === 0) return structuredClone(value);
  const sorted = [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const walk = (v: unknown, inside: boolean): unknown => {
    if (typeof v === 'string') {
      if (inside && v !== '') return REDACTED;
      return sorted.some((s) => v.includes(s)) ? REDACTED : v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, inside));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, SECRET_KEY.test(k))]));
    return v;
  };
  return walk(value, false) as T;
}

/** The effective config as the API shows it: every secret replaced by `<redacted>`. */
export function redactConfig(tree: unknown, factories: readonly NotifierFactory[]): Tree {
  const secrets = secretValues(tree, factories);
  const copy = scrub((tree ?? {}) as Tree, secrets);
  const notifiers = copy.notifiers;
  if (notifiers && typeof notifiers === 'object') {
    for (const [id, cfg] of Object.entries(notifiers as Tree)) {
      (notifiers as Tree)[id] = redactSecrets(cfg, secretPathsOf(id.split('/')[0]!, factories));
    }
  }
  return copy;
}

/** A channel config as given to the API (type from its id), redacted for the audit log. */
export function redactChannel(id: string, config: unknown, factories: readonly NotifierFactory[], known: ReadonlySet<string>): unknown {
  const own = redactSecrets(config, secretPathsOf(id.split('/')[0]!, factories));
  return scrub(own, new Set([...known, ...secretValues({ notifiers: { [id]: config } }, factories)]));
}

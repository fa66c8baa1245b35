// Label sets: the alert fingerprint, Alertmanager-style matchers (equality, regex, negated) and
// the labels a group shares.
import { createHash } from 'node:crypto';
import type { Silence } from './api.js';

/** The stable id of an alert: sha256 of the rule name and the sorted labels, 16 hex chars. */
export function fingerprint(name: string, labels: Record<string, string>): string {
  const h = createHash('sha256').update(name);
  for (const k of Object.keys(labels).sort()) h.update('\u0000').update(k).update('\u0000').update(labels[k]!);
  return h.digest('hex').slice(0, 16);
}

/** Whether every equality and (anchored) regex matcher holds; a missing label reads as ''. */
export function matchesAll(labels: Record<string, string>, eq: Record<string, string>, re: Record<string, string> = {}): boolean {
  for (const [k, v] of Object.entries(eq)) if ((labels[k] ?? '') !== v) return false;
  for (const [k, v] of Object.entries(re)) if (!new RegExp(`^(?:${v})$`).test(labels[k] ?? '')) return false;
  return true;
}

/** Whether a silence's matchers all hold (`isEqual: false` negates, `isRegex` anchors the pattern). */
export function silenceMatches(s: Pick<Silence, 'matchers'>, labels: Record<string, string>): boolean {
  return s.matchers.every((m) => {
    const v = labels[m.name] ?? '';
    const hit = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(v) : v === m.value;
    return hit === m.isEqual;
  });
}

/** Labels with the same value in every set. */
export function commonLabels(sets: Array<Record<string, string>>): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0]! };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return out;
}

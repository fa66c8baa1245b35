// OTLP attributes to Prometheus labels: sanitised names, collisions joined with `;`, job/instance.
import type { KeyValue } from '../../agent/pdata/model.js';
import { labelStringOf } from '../../agent/metric-registry/format.js';
import { labelName, valueText } from '../../agent/metric-registry/labels.js';

/** Looks up a string attribute. */
export function attr(attrs: readonly KeyValue[] | undefined, key: string): string | undefined {
  if (!attrs) return undefined;
  for (const kv of attrs) if (kv.key === key) return valueText(kv.value);
  return undefined;
}

/**
 * Sanitised labels from attributes. Keys are taken in sorted order so that keys colliding
 * after sanitising (`a.b`, `a_b`) join their values with `;` deterministically.
 */
export function labelsFromAttributes(attrs: readonly KeyValue[], into = new Map<string, string>()): Map<string, string> {
  const sorted = attrs.length > 1 ? [...attrs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : attrs;
  const seen = new Set<string>();
  for (const kv of sorted) {
    const name = labelName(kv.key);
    const text = valueText(kv.value);
    if (seen.has(name)) into.set(name, into.get(name) + ';' + text);
    else { seen.add(name); into.set(name, text); }
  }
  return into;
}

/** `job` (`service.namespace/service.name` or `service.name`) and `instance` (`service.instance.id`). */
export function jobInstance(resource: readonly KeyValue[]): { job: string; instance: string } {
  const name = attr(resource, 'service.name') ?? '';
  const ns = attr(resource, 'service.namespace');
  return { job: ns && name ? `${ns}/${name}` : name, instance: attr(resource, 'service.instance.id') ?? '' };
}

const IDENTIFYING = new Set(['service.name', 'service.namespace', 'service.instance.id']);

/** The `target_info` labels of a resource, or undefined when it has nothing beyond job/instance. */
export function targetInfoLabels(resource: readonly KeyValue[], constLabels: Readonly<Record<string, string>>): string | undefined {
  const rest = resource.filter((kv) => !IDENTIFYING.has(kv.key));
  if (rest.length === 0) return undefined;
  const m = labelsFromAttributes(rest);
  const { job, instance } = jobInstance(resource);
  m.set('job', job);
  m.set('instance', instance);
  for (const [k, v] of Object.entries(constLabels)) m.set(k, v);
  return labelStringOf(m);
}

// Exposition-format primitives: escaping, number formatting, label strings, name checks.

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether `name` is a valid Prometheus metric name. */
export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Whether `name` is a valid Prometheus label name (and not reserved `__…`). */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/** Escapes HELP text: backslash and newline (text 0.0.4); OpenMetrics also escapes `"`. */
export function escapeHelp(v: string, openMetrics: boolean): string {
  const re = openMetrics ? /[\\"\n]/g : /[\\\n]/g;
  return v.replace(re, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/** A sample value as both formats write it: integers plainly, `+Inf`, `-Inf`, `NaN`. */
export function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}

/**
 * Renders label pairs in the given order, skipping empty values (Prometheus treats an empty
 * label as absent). Names must already be valid; values are escaped here.
 */
export function labelString(names: readonly string[], values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const v = values[i];
    if (v === undefined || v === '') continue;
    if (out) out += ',';
    out += names[i] + '="' + escapeLabelValue(v) + '"';
  }
  return out;
}

/** Renders a label map sorted by name, skipping empty values. */
export function labelStringOf(labels: ReadonlyMap<string, string> | Record<string, string>): string {
  const entries = labels instanceof Map ? [...labels.entries()] : Object.entries(labels);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return labelString(entries.map((e) => e[0]), entries.map((e) => e[1]));
}

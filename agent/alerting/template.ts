// Prometheus-style annotation templates: `{{ $labels.service_name }}`, `{{ $value }}` and
// `{{ $value | printf "%.2f" }}`; anything else in braces is left as written.

/** What a template can read. */
export interface TemplateData { labels: Record<string, string>; value: number | null }

const EXPR = /\{\{\s*(\$labels\.([A-Za-z_][A-Za-z0-9_]*)|\$value)\s*(?:\|\s*printf\s+"(%[^"]*)"\s*)?\}\}/g;

/** `printf` for one number: `%d`, `%f`, `%.Nf`, `%g`, `%e`, `%s`, `%%`. */
export function printf(format: string, v: number | string): string {
  return format.replace(/%(\.(\d+))?([dfgesv%])/g, (_m, _p, digits: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (typeof v === 'string' || verb === 's' || verb === 'v') return String(v);
    if (verb === 'd') return String(Math.trunc(v));
    if (verb === 'e') return v.toExponential(digits === undefined ? 6 : Number(digits));
    if (verb === 'g') return digits === undefined ? String(v) : String(Number(v.toPrecision(Math.max(1, Number(digits)))));
    return v.toFixed(digits === undefined ? 6 : Number(digits));
  });
}

/** Renders one template; a missing label renders as '', a missing value as 'no data'. */
export function render(template: string, data: TemplateData): string {
  return template.replace(EXPR, (_m, _e, label: string | undefined, format: string | undefined) => {
    const v: number | string = label !== undefined ? (data.labels[label] ?? '') : (data.value ?? 'no data');
    return format ? printf(format, v) : String(v);
  });
}

/** Renders every value of a map. */
export function renderAll(templates: Record<string, string>, data: TemplateData): Record<string, string> {
  return Object.fromEntries(Object.entries(templates).map(([k, t]) => [k, render(t, data)]));
}

// OTLP metric names and UCUM units to Prometheus names (Collector's prometheus translator rules).

const MAIN_UNITS: Record<string, string> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tibibytes',
  KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams',
  Cel: 'celsius', Hz: 'hertz', '1': '', '%': 'percent',
};

const PER_UNITS: Record<string, string> = {
  s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year',
};

/** What kind of OTLP metric is being named (only these affect suffixes). */
export type NameKind = 'counter' | 'gauge' | 'other';

function tokens(s: string): string[] {
  return s.split(/[^a-zA-Z0-9]+/).filter(Boolean);
}

/** Unit suffix tokens for a UCUM unit: `ms` → [milliseconds], `m/s` → [meters, per, second]; `{x}` parts dropped. */
export function unitTokens(unit: string): string[] {
  const u = unit.replace(/\{[^}]*\}/g, '').trim();
  if (!u) return [];
  const slash = u.indexOf('/');
  const main = slash >= 0 ? u.slice(0, slash).trim() : u;
  const per = slash >= 0 ? u.slice(slash + 1).trim() : '';
  const out: string[] = [];
  if (main) out.push(...tokens(MAIN_UNITS[main] ?? main));
  if (per) out.push('per', ...tokens(PER_UNITS[per] ?? per));
  return out;
}

/**
 * The Prometheus name of an OTLP metric. Invalid characters become `_` (runs collapsed);
 * with `suffixes`, the unit's words are appended unless already in the name, counters end in
 * `_total` and gauges of unit `1` in `_ratio`; the namespace is prefixed; a leading digit gets `_`.
 * Returns undefined when the name has no ASCII letter or digit (`请求数`, `...`): such a metric
 * would have an empty name (or only underscores) and is skipped.
 */
export function metricName(name: string, unit: string, kind: NameKind, opts: { namespace: string; suffixes: boolean }): string | undefined {
  let t = tokens(name);
  if (t.length === 0) return undefined;
  if (opts.suffixes) {
    const ut = unitTokens(unit);
    const perAt = ut.indexOf('per');
    const main = perAt >= 0 ? ut.slice(0, perAt) : ut;
    const per = perAt >= 0 ? ut.slice(perAt) : [];
    if (main.length && !main.every((w) => t.includes(w))) t.push(...main);
    if (per.length && !(t.includes('per') && per.slice(1).every((w) => t.includes(w)))) t.push(...per);
    if (kind === 'counter') t = [...t.filter((w) => w !== 'total'), 'total'];
    if (kind === 'gauge' && unit === '1') t = [...t.filter((w) => w !== 'ratio'), 'ratio'];
  }
  if (opts.namespace) t.unshift(...tokens(opts.namespace));
  let out = t.join('_');
  if (/^[0-9]/.test(out)) out = '_' + out;
  return out;
}

// Renders metric families as Prometheus text 0.0.4 or OpenMetrics 1.0 (with exemplars and `# EOF`).
import type { ExemplarRef, Family, HistogramSeries, NumberSeries, SummarySeries } from './types.js';
import { toHex } from '../pdata/hex.js';
import { escapeHelp, formatValue } from './format.js';

/** Content type of Prometheus text format 0.0.4. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** Content type of OpenMetrics 1.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

const leCache = new WeakMap<readonly number[], string[]>();

function leLabels(bounds: readonly number[]): string[] {
  let les = leCache.get(bounds);
  if (!les) {
    les = bounds.map((b) => `le="${formatValue(b)}"`);
    les.push('le="+Inf"');
    leCache.set(bounds, les);
  }
  return les;
}

function ts(ms: number | undefined, om: boolean): string {
  if (ms === undefined) return '';
  return om ? ' ' + formatValue(ms / 1000) : ' ' + Math.round(ms);
}

function exemplar(e: ExemplarRef | undefined): string {
  if (!e) return '';
  let labels = '';
  if (e.traceId && e.traceId.length) labels = 'trace_id="' + toHex(e.traceId) + '"';
  if (e.spanId && e.spanId.length) labels += (labels ? ',' : '') + 'span_id="' + toHex(e.spanId) + '"';
  const t = e.timeMs === undefined ? '' : ' ' + formatValue(e.timeMs / 1000);
  return ' # {' + labels + '} ' + formatValue(e.value) + t;
}

function braces(labels: string, extra?: string): string {
  if (extra) return labels ? '{' + labels + ',' + extra + '}' : '{' + extra + '}';
  return labels ? '{' + labels + '}' : '';
}

function renderNumbers(name: string, series: Iterable<NumberSeries>, om: boolean, withExemplars: boolean): string {
  let out = '';
  for (const s of series) {
    out += name + braces(s.labels) + ' ' + formatValue(s.value) + ts(s.timestampMs, om);
    if (withExemplars && s.exemplar) out += exemplar(s.exemplar);
    out += '\n';
  }
  return out;
}

function renderHistograms(name: string, series: Iterable<HistogramSeries>, om: boolean): string {
  let out = '';
  const bucket = name + '_bucket';
  for (const s of series) {
    const les = leLabels(s.bounds);
    const t = ts(s.timestampMs, om);
    let cum = 0;
    const n = s.bounds.length;
    for (let i = 0; i < n; i++) {
      cum += s.counts[i] ?? 0;
      out += bucket + braces(s.labels, les[i]) + ' ' + formatValue(cum) + t;
      if (om && s.exemplars) out += exemplar(s.exemplars[i]);
      out += '\n';
    }
    out += bucket + braces(s.labels, les[n]) + ' ' + formatValue(s.count) + t;
    if (om && s.exemplars) out += exemplar(s.exemplars[n]);
    out += '\n';
    out += name + '_sum' + braces(s.labels) + ' ' + formatValue(s.sum) + t + '\n';
    out += name + '_count' + braces(s.labels) + ' ' + formatValue(s.count) + t + '\n';
  }
  return out;
}

function renderSummaries(name: string, series: Iterable<SummarySeries>, om: boolean): string {
  let out = '';
  for (const s of series) {
    const t = ts(s.timestampMs, om);
    for (const q of s.quantiles) {
      out += name + braces(s.labels, `quantile="${formatValue(q.quantile)}"`) + ' ' + formatValue(q.value) + t + '\n';
    }
    out += name + '_sum' + braces(s.labels) + ' ' + formatValue(s.sum) + t + '\n';
    out += name + '_count' + braces(s.labels) + ' ' + formatValue(s.count) + t + '\n';
  }
  return out;
}

/** Renders one family, header lines included. Returns '' for a family without series. */
export function renderFamily(f: Family, om: boolean): string {
  let body: string;
  let familyName = f.name;
  let sampleName = f.name;
  switch (f.type) {
    case 'counter':
      if (om) {
        if (f.name.endsWith('_total')) familyName = f.name.slice(0, -6);
        else sampleName = f.name + '_total';
      }
      body = renderNumbers(sampleName, f.series, om, om);
      break;
    case 'gauge':
    case 'unknown':
      body = renderNumbers(f.name, f.series, om, false);
      break;
    case 'histogram':
      body = renderHistograms(f.name, f.series, om);
      break;
    case 'summary':
      body = renderSummaries(f.name, f.series, om);
      break;
  }
  if (!body) return '';
  const type = f.type === 'unknown' && !om ? 'untyped' : f.type;
  const help = f.help ? `# HELP ${familyName} ${escapeHelp(f.help, om)}\n` : '';
  return help + `# TYPE ${familyName} ${type}\n` + body;
}

/** Renders families in order; OpenMetrics output ends with `# EOF`. */
export function renderFamilies(families: Iterable<Family>, om: boolean): string {
  const parts: string[] = [];
  for (const f of families) {
    const s = renderFamily(f, om);
    if (s) parts.push(s);
  }
  if (om) parts.push('# EOF\n');
  return parts.join('');
}

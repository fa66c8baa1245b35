// Which SLOs a span counts in, and whether it is a good or a bad event for each.
import type { KeyValue, Span } from '../../agent/pdata/model.js';
import type { SloDefinition } from './config.js';

const STATUS_ERROR = 2;
const SERVER = 2;

function attr(attrs: readonly KeyValue[], key: string): KeyValue['value'] | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.key === key) return attrs[i]!.value;
  return undefined;
}

/** The HTTP response status of a span (semconv `http.response.status_code`, else the older `http.status_code`). */
function httpStatus(span: Span): number {
  const v = attr(span.attributes, 'http.response.status_code') ?? attr(span.attributes, 'http.status_code');
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN;
}

/** Whether the SLO counts this span at all (service checked by the caller). */
export function matches(def: SloDefinition, span: Span): boolean {
  const m = def.match;
  if (!m.kinds.includes(span.kind as never)) return false;
  if (m.names.length && !m.names.some((r) => r.test(span.name))) return false;
  if (m.routes.length) {
    const route = attr(span.attributes, 'http.route');
    if (typeof route !== 'string' || !m.routes.some((r) => r.test(route))) return false;
  }
  return true;
}

/** Whether a matched span is a bad event of the SLO. */
export function isBad(def: SloDefinition, span: Span): boolean {
  const s = def.sli;
  if (s.kind === 'latency') {
    const ns = span.endTimeUnixNano - span.startTimeUnixNano;
    return Number(ns) / 1e6 > s.threshold_ms;
  }
  if (s.status_error && span.status.code === STATUS_ERROR) return true;
  if (s.http_status_min > 0 && span.kind === SERVER) {
    const code = httpStatus(span);
    if (code >= s.http_status_min) return true;
  }
  return false;
}

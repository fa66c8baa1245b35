// Which SLOs a span counts in, and whether it is a good or a bad event for each.
import { valueText } from '../../agent/metric-registry/labels.js';
import type { KeyValue, Span } from '../../agent/pdata/model.js';
import type { SloDefinition } from './config.js';

const STATUS_ERROR = 2;
const SERVER = 2;

function attr(attrs: readonly KeyValue[], key: string): KeyValue['value'] | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.key === key) return attrs[i]!.value;
  return undefined;
}

/** The HTTP response status of a span (semconv `http.response.status_code`, else the older `http.status_code`). */
export function httpStatus(span: Span): number {
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
  for (let i = 0; i < m.attrs.length; i++) {
    const [key, want] = m.attrs[i]!;
    const v = attr(span.attributes, key);
    if (v === undefined || valueText(v) !== want) return false;
  }
  return true;
}

/** What the SLIs read from one span, each computed at most once per span. */
export class SpanFacts {
  private ms = NaN;
  private code = NaN;
  private grpc = NaN;
  private span!: Span;

  reset(span: Span): this {
    this.span = span;
    this.ms = NaN;
    this.code = NaN;
    this.grpc = NaN;
    return this;
  }

  /** Duration in ms. */
  durationMs(): number {
    if (Number.isNaN(this.ms)) this.ms = Number(this.span.endTimeUnixNano - this.span.startTimeUnixNano) / 1e6;
    return this.ms;
  }

  /** `rpc.grpc.status_code` of a SERVER span, else NaN. */
  serverGrpcStatus(): number {
    if (Number.isNaN(this.grpc) && this.span.kind === SERVER) {
      const v = attr(this.span.attributes, 'rpc.grpc.status_code');
      this.grpc = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN;
    }
    return this.grpc;
  }

  /** HTTP status of a SERVER span, else NaN. */
  serverHttpStatus(): number {
    if (Number.isNaN(this.code) && this.span.kind === SERVER) this.code = httpStatus(this.span);
    return this.code;
  }
}

/** Whether a matched span is a bad event of the SLO. */
export function isBad(def: SloDefinition, span: Span, facts: SpanFacts): boolean {
  const s = def.sli;
  if (s.kind === 'latency') return facts.durationMs() > s.threshold_ms;
  if (s.status_error && span.status.code === STATUS_ERROR) return true;
  if (s.http_status_min > 0 && facts.serverHttpStatus() >= s.http_status_min) return true;
  return s.grpc_status_codes.length > 0 && s.grpc_status_codes.includes(facts.serverGrpcStatus());
}

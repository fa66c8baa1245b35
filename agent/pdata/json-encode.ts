// OTLP/JSON encoding of the model into plain JSON-serialisable objects (proto3 JSON mapping, OTLP flavour).
import { toHex } from './hex.js';
import type {
  AnyValue, Exemplar, ExpBuckets, KeyValue, LogRecord, LogsData, Metric, MetricsData, NumberDataPoint, Resource,
  Scope, Span, TracesData,
} from './model.js';

type Json = Record<string, unknown>;

/** A double as JSON: a number, or "NaN" / "Infinity" / "-Infinity". */
function dbl(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Sets `key` unless the value is a proto3 default ('', 0, 0n, empty bytes or list). */
function put(o: Json, key: string, v: string | number | bigint | Uint8Array | unknown[], asHex = false): void {
  if (typeof v === 'string') {
    if (v !== '') o[key] = v;
  } else if (typeof v === 'number') {
    if (v !== 0) o[key] = dbl(v);
  } else if (typeof v === 'bigint') {
    if (v !== 0n) o[key] = v.toString();
  } else if (v instanceof Uint8Array) {
    if (v.length !== 0) o[key] = asHex ? toHex(v) : base64(v);
  } else if (v.length !== 0) {
    o[key] = v;
  }
}

/** A (fixed64/uint64) count held as a number, as an exact integer for decimal-string output. */
function u64(n: number): bigint {
  return Number.isFinite(n) && n > 0 ? BigInt(Math.trunc(n)) : 0n;
}

function u64s(n: number): string {
  return u64(n).toString();
}

function anyValue(v: AnyValue): Json {
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: v.toString() };
    case 'number': return { doubleValue: dbl(v) };
    default:
      if (v === null) return {};
      if (v instanceof Uint8Array) return { bytesValue: base64(v) };
      if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
      return { kvlistValue: { values: keyValues(v.kvlistValue) } };
  }
}

function keyValues(kvs: readonly KeyValue[]): Json[] {
  return kvs.map((kv) => ({ key: kv.key, value: anyValue(kv.value) }));
}

function resource(r: Resource | null): Json | undefined {
  if (r === null) return undefined;
  const o: Json = {};
  put(o, 'attributes', keyValues(r.attributes));
  put(o, 'droppedAttributesCount', r.droppedAttributesCount);
  return o;
}

function scope(s: Scope | null): Json | undefined {
  if (s === null) return undefined;
  const o: Json = {};
  put(o, 'name', s.name);
  put(o, 'version', s.version);
  put(o, 'attributes', keyValues(s.attributes));
  put(o, 'droppedAttributesCount', s.droppedAttributesCount);
  return o;
}

/** Wraps resource / scope / schemaUrl levels, dropping absent members. */
function level(res: Json | undefined, listKey: string, list: unknown[], schemaUrl: string, resKey: string): Json {
  const o: Json = {};
  if (res !== undefined) o[resKey] = res;
  o[listKey] = list;
  put(o, 'schemaUrl', schemaUrl);
  return o;
}

/**
 * Encodes traces as an OTLP/JSON ExportTraceServiceRequest object: ids in lower-case hex, int64 and
 * fixed64 as decimal strings, enums as integers, proto3 defaults omitted.
 */
export function encodeTracesJson(td: TracesData): object {
  return {
    resourceSpans: td.resourceSpans.map((rs) => level(resource(rs.resource), 'scopeSpans',
      rs.scopeSpans.map((ss) => level(scope(ss.scope), 'spans', ss.spans.map(span), ss.schemaUrl, 'scope')),
      rs.schemaUrl, 'resource')),
  };
}

function span(s: Span): Json {
  const o: Json = {};
  put(o, 'traceId', s.traceId, true);
  put(o, 'spanId', s.spanId, true);
  put(o, 'traceState', s.traceState);
  put(o, 'parentSpanId', s.parentSpanId, true);
  put(o, 'flags', s.flags);
  put(o, 'name', s.name);
  put(o, 'kind', s.kind);
  put(o, 'startTimeUnixNano', s.startTimeUnixNano);
  put(o, 'endTimeUnixNano', s.endTimeUnixNano);
  put(o, 'attributes', keyValues(s.attributes));
  put(o, 'droppedAttributesCount', s.droppedAttributesCount);
  put(o, 'events', s.events.map((e) => {
    const eo: Json = {};
    put(eo, 'timeUnixNano', e.timeUnixNano);
    put(eo, 'name', e.name);
    put(eo, 'attributes', keyValues(e.attributes));
    put(eo, 'droppedAttributesCount', e.droppedAttributesCount);
    return eo;
  }));
  put(o, 'droppedEventsCount', s.droppedEventsCount);
  put(o, 'links', s.links.map((l) => {
    const lo: Json = {};
    put(lo, 'traceId', l.traceId, true);
    put(lo, 'spanId', l.spanId, true);
    put(lo, 'traceState', l.traceState);
    put(lo, 'attributes', keyValues(l.attributes));
    put(lo, 'droppedAttributesCount', l.droppedAttributesCount);
    put(lo, 'flags', l.flags);
    return lo;
  }));
  put(o, 'droppedLinksCount', s.droppedLinksCount);
  if (s.status.code !== 0 || s.status.message !== '') {
    const st: Json = {};
    put(st, 'message', s.status.message);
    put(st, 'code', s.status.code);
    o.status = st;
  }
  return o;
}

/** Encodes metrics as an OTLP/JSON ExportMetricsServiceRequest object (rules as {@link encodeTracesJson}). */
export function encodeMetricsJson(md: MetricsData): object {
  return {
    resourceMetrics: md.resourceMetrics.map((rm) => level(resource(rm.resource), 'scopeMetrics',
      rm.scopeMetrics.map((sm) => level(scope(sm.scope), 'metrics', sm.metrics.map(metric), sm.schemaUrl, 'scope')),
      rm.schemaUrl, 'resource')),
  };
}

function times(o: Json, p: { startTimeUnixNano: bigint; timeUnixNano: bigint; attributes: KeyValue[] }): void {
  put(o, 'attributes', keyValues(p.attributes));
  put(o, 'startTimeUnixNano', p.startTimeUnixNano);
  put(o, 'timeUnixNano', p.timeUnixNano);
}

function value(o: Json, v: number | bigint): void {
  if (typeof v === 'bigint') o.asInt = v.toString();
  else o.asDouble = dbl(v);
}

function exemplars(list: Exemplar[]): Json[] {
  return list.map((e) => {
    const o: Json = {};
    put(o, 'filteredAttributes', keyValues(e.filteredAttributes));
    put(o, 'timeUnixNano', e.timeUnixNano);
    value(o, e.value);
    put(o, 'spanId', e.spanId, true);
    put(o, 'traceId', e.traceId, true);
    return o;
  });
}

function numberPoint(p: NumberDataPoint): Json {
  const o: Json = {};
  times(o, p);
  value(o, p.value);
  put(o, 'exemplars', exemplars(p.exemplars));
  put(o, 'flags', p.flags);
  return o;
}

function optional(o: Json, key: string, v: number | undefined): void {
  if (v !== undefined) o[key] = dbl(v);
}

function buckets(b: ExpBuckets | null): Json | undefined {
  if (b === null) return undefined;
  const o: Json = {};
  put(o, 'offset', b.offset);
  put(o, 'bucketCounts', b.bucketCounts.map(u64s));
  return o;
}

function metric(m: Metric): Json {
  const o: Json = {};
  put(o, 'name', m.name);
  put(o, 'description', m.description);
  put(o, 'unit', m.unit);
  const d = m.data;
  if (d !== null) {
    const dj: Json = {};
    switch (d.type) {
      case 'gauge': dj.dataPoints = d.dataPoints.map(numberPoint); break;
      case 'sum':
        dj.dataPoints = d.dataPoints.map(numberPoint);
        put(dj, 'aggregationTemporality', d.aggregationTemporality);
        if (d.isMonotonic) dj.isMonotonic = true;
        break;
      case 'histogram':
        dj.dataPoints = d.dataPoints.map((p) => {
          const po: Json = {};
          times(po, p);
          put(po, 'count', u64(p.count));
          optional(po, 'sum', p.sum);
          put(po, 'bucketCounts', p.bucketCounts.map(u64s));
          put(po, 'explicitBounds', p.explicitBounds.map(dbl));
          put(po, 'exemplars', exemplars(p.exemplars));
          put(po, 'flags', p.flags);
          optional(po, 'min', p.min);
          optional(po, 'max', p.max);
          return po;
        });
        put(dj, 'aggregationTemporality', d.aggregationTemporality);
        break;
      case 'exponentialHistogram':
        dj.dataPoints = d.dataPoints.map((p) => {
          const po: Json = {};
          times(po, p);
          put(po, 'count', u64(p.count));
          optional(po, 'sum', p.sum);
          put(po, 'scale', p.scale);
          put(po, 'zeroCount', u64(p.zeroCount));
          const pos = buckets(p.positive);
          if (pos !== undefined) po.positive = pos;
          const neg = buckets(p.negative);
          if (neg !== undefined) po.negative = neg;
          put(po, 'flags', p.flags);
          put(po, 'exemplars', exemplars(p.exemplars));
          optional(po, 'min', p.min);
          optional(po, 'max', p.max);
          put(po, 'zeroThreshold', p.zeroThreshold);
          return po;
        });
        put(dj, 'aggregationTemporality', d.aggregationTemporality);
        break;
      case 'summary':
        dj.dataPoints = d.dataPoints.map((p) => {
          const po: Json = {};
          times(po, p);
          put(po, 'count', u64(p.count));
          put(po, 'sum', p.sum);
          put(po, 'quantileValues', p.quantileValues.map((q) => {
            const qo: Json = {};
            put(qo, 'quantile', q.quantile);
            put(qo, 'value', q.value);
            return qo;
          }));
          put(po, 'flags', p.flags);
          return po;
        });
        break;
    }
    o[d.type] = dj;
  }
  put(o, 'metadata', keyValues(m.metadata));
  return o;
}

/** Encodes logs as an OTLP/JSON ExportLogsServiceRequest object (rules as {@link encodeTracesJson}). */
export function encodeLogsJson(ld: LogsData): object {
  return {
    resourceLogs: ld.resourceLogs.map((rl) => level(resource(rl.resource), 'scopeLogs',
      rl.scopeLogs.map((sl) => level(scope(sl.scope), 'logRecords', sl.logRecords.map(logRecord), sl.schemaUrl, 'scope')),
      rl.schemaUrl, 'resource')),
  };
}

function logRecord(lr: LogRecord): Json {
  const o: Json = {};
  put(o, 'timeUnixNano', lr.timeUnixNano);
  put(o, 'observedTimeUnixNano', lr.observedTimeUnixNano);
  put(o, 'severityNumber', lr.severityNumber);
  put(o, 'severityText', lr.severityText);
  if (lr.body !== null) o.body = anyValue(lr.body);
  put(o, 'attributes', keyValues(lr.attributes));
  put(o, 'droppedAttributesCount', lr.droppedAttributesCount);
  put(o, 'flags', lr.flags);
  put(o, 'traceId', lr.traceId, true);
  put(o, 'spanId', lr.spanId, true);
  put(o, 'eventName', lr.eventName);
  return o;
}

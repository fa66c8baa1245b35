// Test and bench utility: converts between protobufjs reflection objects (of our .proto files) and the internal model.
import type { AnyValue, Exemplar, KeyValue, LogsData, Metric, MetricsData, Resource, Scope, TracesData } from '../agent/pdata/model.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type O = any;

/** protobufjs `toObject` options the converters expect. */
export const TO_OBJECT = { longs: String, defaults: true, arrays: true, oneofs: true } as const;

const u8 = (b: O): Uint8Array => new Uint8Array(b ?? []);
const big = (s: O): bigint => BigInt(s ?? 0);
const num = (s: O): number => Number(s ?? 0);

function anyFrom(o: O): AnyValue {
  if (o === null || o === undefined) return null;
  switch (o.value) {
    case 'stringValue': return o.stringValue;
    case 'boolValue': return o.boolValue;
    case 'intValue': return big(o.intValue);
    case 'doubleValue': return o.doubleValue;
    case 'bytesValue': return u8(o.bytesValue);
    case 'arrayValue': return (o.arrayValue.values ?? []).map(anyFrom);
    case 'kvlistValue': return { kvlistValue: kvsFrom(o.kvlistValue.values) };
    default: return null;
  }
}
const kvsFrom = (l: O[]): KeyValue[] => (l ?? []).map((kv) => ({ key: kv.key, value: anyFrom(kv.value) }));
const resFrom = (r: O): Resource | null => (r ? { attributes: kvsFrom(r.attributes), droppedAttributesCount: r.droppedAttributesCount } : null);
const scopeFrom = (s: O): Scope | null =>
  (s ? { name: s.name, version: s.version, attributes: kvsFrom(s.attributes), droppedAttributesCount: s.droppedAttributesCount } : null);

/** protobufjs ExportTraceServiceRequest object → model. */
export function tracesFrom(o: O): TracesData {
  return {
    resourceSpans: o.resourceSpans.map((rs: O) => ({
      resource: resFrom(rs.resource), schemaUrl: rs.schemaUrl,
      scopeSpans: rs.scopeSpans.map((ss: O) => ({
        scope: scopeFrom(ss.scope), schemaUrl: ss.schemaUrl,
        spans: ss.spans.map((s: O) => ({
          traceId: u8(s.traceId), spanId: u8(s.spanId), traceState: s.traceState, parentSpanId: u8(s.parentSpanId),
          flags: s.flags, name: s.name, kind: s.kind, startTimeUnixNano: big(s.startTimeUnixNano), endTimeUnixNano: big(s.endTimeUnixNano),
          attributes: kvsFrom(s.attributes), droppedAttributesCount: s.droppedAttributesCount,
          events: s.events.map((e: O) => ({ timeUnixNano: big(e.timeUnixNano), name: e.name, attributes: kvsFrom(e.attributes), droppedAttributesCount: e.droppedAttributesCount })),
          droppedEventsCount: s.droppedEventsCount,
          links: s.links.map((l: O) => ({
            traceId: u8(l.traceId), spanId: u8(l.spanId), traceState: l.traceState, attributes: kvsFrom(l.attributes),
            droppedAttributesCount: l.droppedAttributesCount, flags: l.flags,
          })),
          droppedLinksCount: s.droppedLinksCount,
          status: s.status ? { message: s.status.message, code: s.status.code } : { message: '', code: 0 },
        })),
      })),
    })),
  };
}

const valFrom = (p: O): number | bigint => (p.value === 'asInt' ? big(p.asInt) : p.value === 'asDouble' ? p.asDouble : 0);
const exFrom = (l: O[]): Exemplar[] => l.map((e) => ({
  filteredAttributes: kvsFrom(e.filteredAttributes), timeUnixNano: big(e.timeUnixNano), value: valFrom(e), spanId: u8(e.spanId), traceId: u8(e.traceId),
}));
const optFrom = (p: O, k: string): number | undefined => (Object.hasOwn(p, k) ? p[k] : undefined);

function metricFrom(m: O): Metric {
  const base = (p: O) => ({ attributes: kvsFrom(p.attributes), startTimeUnixNano: big(p.startTimeUnixNano), timeUnixNano: big(p.timeUnixNano) });
  const nps = (d: O) => d.dataPoints.map((p: O) => ({ ...base(p), value: valFrom(p), exemplars: exFrom(p.exemplars), flags: p.flags }));
  const bk = (b: O) => (b ? { offset: b.offset, bucketCounts: b.bucketCounts.map(num) } : null);
  const out = { name: m.name, description: m.description, unit: m.unit, metadata: kvsFrom(m.metadata) };
  switch (m.data) {
    case 'gauge': return { ...out, data: { type: 'gauge', dataPoints: nps(m.gauge) } };
    case 'sum': return { ...out, data: { type: 'sum', dataPoints: nps(m.sum), aggregationTemporality: m.sum.aggregationTemporality, isMonotonic: m.sum.isMonotonic } };
    case 'histogram': return {
      ...out, data: {
        type: 'histogram', aggregationTemporality: m.histogram.aggregationTemporality,
        dataPoints: m.histogram.dataPoints.map((p: O) => ({
          ...base(p), count: num(p.count), sum: optFrom(p, 'sum'), bucketCounts: p.bucketCounts.map(num), explicitBounds: p.explicitBounds,
          exemplars: exFrom(p.exemplars), flags: p.flags, min: optFrom(p, 'min'), max: optFrom(p, 'max'),
        })),
      },
    };
    case 'exponentialHistogram': return {
      ...out, data: {
        type: 'exponentialHistogram', aggregationTemporality: m.exponentialHistogram.aggregationTemporality,
        dataPoints: m.exponentialHistogram.dataPoints.map((p: O) => ({
          ...base(p), count: num(p.count), sum: optFrom(p, 'sum'), scale: p.scale, zeroCount: num(p.zeroCount),
          positive: bk(p.positive), negative: bk(p.negative), flags: p.flags, exemplars: exFrom(p.exemplars),
          min: optFrom(p, 'min'), max: optFrom(p, 'max'), zeroThreshold: p.zeroThreshold,
        })),
      },
    };
    case 'summary': return {
      ...out, data: {
        type: 'summary',
        dataPoints: m.summary.dataPoints.map((p: O) => ({
          ...base(p), count: num(p.count), sum: p.sum, flags: p.flags,
          quantileValues: p.quantileValues.map((q: O) => ({ quantile: q.quantile, value: q.value })),
        })),
      },
    };
    default: return { ...out, data: null };
  }
}

/** protobufjs ExportMetricsServiceRequest object → model. */
export function metricsFrom(o: O): MetricsData {
  return {
    resourceMetrics: o.resourceMetrics.map((rm: O) => ({
      resource: resFrom(rm.resource), schemaUrl: rm.schemaUrl,
      scopeMetrics: rm.scopeMetrics.map((sm: O) => ({ scope: scopeFrom(sm.scope), schemaUrl: sm.schemaUrl, metrics: sm.metrics.map(metricFrom) })),
    })),
  };
}

/** protobufjs ExportLogsServiceRequest object → model. */
export function logsFrom(o: O): LogsData {
  return {
    resourceLogs: o.resourceLogs.map((rl: O) => ({
      resource: resFrom(rl.resource), schemaUrl: rl.schemaUrl,
      scopeLogs: rl.scopeLogs.map((sl: O) => ({
        scope: scopeFrom(sl.scope), schemaUrl: sl.schemaUrl,
        logRecords: sl.logRecords.map((r: O) => ({
          timeUnixNano: big(r.timeUnixNano), observedTimeUnixNano: big(r.observedTimeUnixNano), severityNumber: r.severityNumber,
          severityText: r.severityText, body: anyFrom(r.body), attributes: kvsFrom(r.attributes), droppedAttributesCount: r.droppedAttributesCount,
          flags: r.flags, traceId: u8(r.traceId), spanId: u8(r.spanId), eventName: r.eventName,
        })),
      })),
    })),
  };
}

/**
 * Model → a plain object for protobufjs `fromObject` (int64s as decimal strings). Walks any model
 * value generically: renames AnyValue and number-point values into their oneof members.
 */
export function toPbjs(v: object): O {
  return convert(v, '');
}

function anyTo(v: AnyValue): O {
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: v.toString() };
    case 'number': return { doubleValue: v };
    default:
      if (v === null) return {};
      if (v instanceof Uint8Array) return { bytesValue: v };
      if (Array.isArray(v)) return { arrayValue: { values: v.map(anyTo) } };
      return { kvlistValue: { values: v.kvlistValue.map((kv) => ({ key: kv.key, value: anyTo(kv.value) })) } };
  }
}

const KV_LISTS = new Set(['attributes', 'filteredAttributes', 'metadata']);

function convert(v: O, key: string): O {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || v === undefined || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) {
    if (KV_LISTS.has(key)) return v.map((kv: KeyValue) => ({ key: kv.key, value: anyTo(kv.value) }));
    return v.map((x) => convert(x, key));
  }
  const out: O = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (k === 'body') { if (x !== null) out.body = anyTo(x as AnyValue); continue; }
    if (k === 'value' && ('timeUnixNano' in v)) {
      if (typeof x === 'bigint') out.asInt = x.toString(); else out.asDouble = x;
      continue;
    }
    if (k === 'data') { if (x !== null) out[(x as { type: string }).type] = convert(x, k); continue; }
    if (k === 'type' && key === 'data') continue;
    out[k] = convert(x, k);
  }
  return out;
}

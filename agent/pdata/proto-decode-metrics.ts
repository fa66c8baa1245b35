// Schema-specific protobuf decoding of OTLP metrics messages (ResourceMetrics and below) into the model.
import type {
  ExpBuckets, Exemplar, ExponentialHistogramDataPoint, HistogramDataPoint, Metric, MetricData, NumberDataPoint,
  ResourceMetrics, ScopeMetrics, SummaryDataPoint, ValueAtQuantile,
} from './model.js';
import { decodeKeyValue, decodeResource, decodeScope } from './proto-decode-common.js';
import type { ProtoReader } from './proto-reader.js';
import { RESOURCE_METRICS, SCOPE_METRICS, METRIC, DATA, NUMBER_POINT, HISTOGRAM_POINT, EXP_HISTOGRAM_POINT, BUCKETS, SUMMARY_POINT, QUANTILE, EXEMPLAR } from './proto-fields.js';

const EMPTY = new Uint8Array(0);


/** Decodes one length-delimited ResourceMetrics. */
export function decodeResourceMetrics(r: ProtoReader): ResourceMetrics {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ResourceMetrics';
  const rm: ResourceMetrics = { resource: null, scopeMetrics: [], schemaUrl: '' };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x12) rm.scopeMetrics.push(decodeScopeMetrics(r));
    else if (t === 0x0a) rm.resource = decodeResource(r);
    else if (t === 0x1a) rm.schemaUrl = r.string();
    else r.skipOther(t, RESOURCE_METRICS);
  }
  r.msg = prev;
  r.leave(outer);
  return rm;
}

function decodeScopeMetrics(r: ProtoReader): ScopeMetrics {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ScopeMetrics';
  const sm: ScopeMetrics = { scope: null, metrics: [], schemaUrl: '' };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x12) sm.metrics.push(decodeMetric(r));
    else if (t === 0x0a) sm.scope = decodeScope(r);
    else if (t === 0x1a) sm.schemaUrl = r.string();
    else r.skipOther(t, SCOPE_METRICS);
  }
  r.msg = prev;
  r.leave(outer);
  return sm;
}

function decodeMetric(r: ProtoReader): Metric {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'Metric';
  const m: Metric = { name: '', description: '', unit: '', data: null, metadata: [] };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x0a: m.name = r.string(); break;
      case 0x12: m.description = r.string(); break;
      case 0x1a: m.unit = r.string(); break;
      case 0x2a: m.data = decodeData(r, 'gauge'); break;
      case 0x3a: m.data = decodeData(r, 'sum'); break;
      case 0x4a: m.data = decodeData(r, 'histogram'); break;
      case 0x52: m.data = decodeData(r, 'exponentialHistogram'); break;
      case 0x5a: m.data = decodeData(r, 'summary'); break;
      case 0x62: m.metadata.push(decodeKeyValue(r)); break;
      default: r.skipOther(t, METRIC);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return m;
}

const dataMsg = {
  gauge: 'Gauge', sum: 'Sum', histogram: 'Histogram', exponentialHistogram: 'ExponentialHistogram', summary: 'Summary',
} as const;

/** Gauge, Sum, Histogram, ExponentialHistogram and Summary share field 1 (points) and 2 (temporality). */
function decodeData(r: ProtoReader, type: MetricData['type']): MetricData {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = dataMsg[type];
  const points: unknown[] = [];
  let temporality = 0;
  let monotonic = false;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x0a) {
      switch (type) {
        case 'gauge': case 'sum': points.push(decodeNumberPoint(r)); break;
        case 'histogram': points.push(decodeHistogramPoint(r)); break;
        case 'exponentialHistogram': points.push(decodeExpHistogramPoint(r)); break;
        case 'summary': points.push(decodeSummaryPoint(r)); break;
      }
    } else if (t === 0x10 && type !== 'gauge' && type !== 'summary') temporality = r.int32();
    else if (t === 0x18 && type === 'sum') monotonic = r.bool();
    else r.skipOther(t, DATA[type]);
  }
  r.msg = prev;
  r.leave(outer);
  switch (type) {
    case 'gauge': return { type, dataPoints: points as NumberDataPoint[] };
    case 'sum': return { type, dataPoints: points as NumberDataPoint[], aggregationTemporality: temporality, isMonotonic: monotonic };
    case 'histogram': return { type, dataPoints: points as HistogramDataPoint[], aggregationTemporality: temporality };
    case 'exponentialHistogram':
      return { type, dataPoints: points as ExponentialHistogramDataPoint[], aggregationTemporality: temporality };
    case 'summary': return { type, dataPoints: points as SummaryDataPoint[] };
  }
}

function decodeNumberPoint(r: ProtoReader): NumberDataPoint {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'NumberDataPoint';
  const p: NumberDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, value: 0, exemplars: [], flags: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x3a: p.attributes.push(decodeKeyValue(r)); break;
      case 0x11: p.startTimeUnixNano = r.fixed64(); break;
      case 0x19: p.timeUnixNano = r.fixed64(); break;
      case 0x21: p.value = r.double(); break;
      case 0x31: p.value = r.sfixed64(); break;
      case 0x2a: p.exemplars.push(decodeExemplar(r)); break;
      case 0x40: p.flags = r.uint32(); break;
      default: r.skipOther(t, NUMBER_POINT);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return p;
}

function decodeHistogramPoint(r: ProtoReader): HistogramDataPoint {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'HistogramDataPoint';
  const p: HistogramDataPoint = {
    attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: undefined, bucketCounts: [],
    explicitBounds: [], exemplars: [], flags: 0, min: undefined, max: undefined,
  };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x4a: p.attributes.push(decodeKeyValue(r)); break;
      case 0x11: p.startTimeUnixNano = r.fixed64(); break;
      case 0x19: p.timeUnixNano = r.fixed64(); break;
      case 0x21: p.count = r.fixed64Number(); break;
      case 0x29: p.sum = r.double(); break;
      case 0x32: packed8(r, p.bucketCounts, false); break;
      case 0x31: p.bucketCounts.push(r.fixed64Number()); break;
      case 0x3a: packed8(r, p.explicitBounds, true); break;
      case 0x39: p.explicitBounds.push(r.double()); break;
      case 0x42: p.exemplars.push(decodeExemplar(r)); break;
      case 0x50: p.flags = r.uint32(); break;
      case 0x59: p.min = r.double(); break;
      case 0x61: p.max = r.double(); break;
      default: r.skipOther(t, HISTOGRAM_POINT);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return p;
}

/** Reads a packed run of 8-byte values (fixed64 counts or doubles). */
function packed8(r: ProtoReader, out: number[], isDouble: boolean): void {
  const start = r.pos;
  const e = r.len();
  if ((e - r.pos) % 8 !== 0) throw r.fail(`packed field ${r.field} length ${e - r.pos} is not a multiple of 8`, start);
  while (r.pos < e) out.push(isDouble ? r.double() : r.fixed64Number());
}

function decodeExpHistogramPoint(r: ProtoReader): ExponentialHistogramDataPoint {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ExponentialHistogramDataPoint';
  const p: ExponentialHistogramDataPoint = {
    attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: undefined, scale: 0, zeroCount: 0,
    positive: null, negative: null, flags: 0, exemplars: [], min: undefined, max: undefined, zeroThreshold: 0,
  };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x0a: p.attributes.push(decodeKeyValue(r)); break;
      case 0x11: p.startTimeUnixNano = r.fixed64(); break;
      case 0x19: p.timeUnixNano = r.fixed64(); break;
      case 0x21: p.count = r.fixed64Number(); break;
      case 0x29: p.sum = r.double(); break;
      case 0x30: p.scale = r.sint32(); break;
      case 0x39: p.zeroCount = r.fixed64Number(); break;
      case 0x42: p.positive = decodeBuckets(r); break;
      case 0x4a: p.negative = decodeBuckets(r); break;
      case 0x50: p.flags = r.uint32(); break;
      case 0x5a: p.exemplars.push(decodeExemplar(r)); break;
      case 0x61: p.min = r.double(); break;
      case 0x69: p.max = r.double(); break;
      case 0x71: p.zeroThreshold = r.double(); break;
      default: r.skipOther(t, EXP_HISTOGRAM_POINT);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return p;
}

function decodeBuckets(r: ProtoReader): ExpBuckets {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ExponentialHistogramDataPoint.Buckets';
  const b: ExpBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x08) b.offset = r.sint32();
    else if (t === 0x12) {
      const o = r.enter();
      while (r.pos < r.end) b.bucketCounts.push(r.uint64Number());
      r.leave(o);
    } else if (t === 0x10) b.bucketCounts.push(r.uint64Number());
    else r.skipOther(t, BUCKETS);
  }
  r.msg = prev;
  r.leave(outer);
  return b;
}

function decodeSummaryPoint(r: ProtoReader): SummaryDataPoint {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'SummaryDataPoint';
  const p: SummaryDataPoint = {
    attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: 0, quantileValues: [], flags: 0,
  };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x3a: p.attributes.push(decodeKeyValue(r)); break;
      case 0x11: p.startTimeUnixNano = r.fixed64(); break;
      case 0x19: p.timeUnixNano = r.fixed64(); break;
      case 0x21: p.count = r.fixed64Number(); break;
      case 0x29: p.sum = r.double(); break;
      case 0x32: p.quantileValues.push(decodeQuantile(r)); break;
      case 0x40: p.flags = r.uint32(); break;
      default: r.skipOther(t, SUMMARY_POINT);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return p;
}

function decodeQuantile(r: ProtoReader): ValueAtQuantile {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'SummaryDataPoint.ValueAtQuantile';
  const q: ValueAtQuantile = { quantile: 0, value: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x09) q.quantile = r.double();
    else if (t === 0x11) q.value = r.double();
    else r.skipOther(t, QUANTILE);
  }
  r.msg = prev;
  r.leave(outer);
  return q;
}

function decodeExemplar(r: ProtoReader): Exemplar {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'Exemplar';
  const e: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, value: 0, spanId: EMPTY, traceId: EMPTY };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x3a: e.filteredAttributes.push(decodeKeyValue(r)); break;
      case 0x11: e.timeUnixNano = r.fixed64(); break;
      case 0x19: e.value = r.double(); break;
      case 0x31: e.value = r.sfixed64(); break;
      case 0x22: e.spanId = r.id(8); break;
      case 0x2a: e.traceId = r.id(16); break;
      default: r.skipOther(t, EXEMPLAR);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return e;
}

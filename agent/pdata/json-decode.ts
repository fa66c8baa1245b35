// OTLP/JSON decoding of export requests into the model (lowerCamelCase keys, hex ids, string int64s).
import { errors, OutriderError } from '../errors.js';
import {
  anyValue, array, bool, count, double, enumValue, fail, hexId, int32, int64, type Json, keyValues,
  optDouble, optObject, resource, scope, string, uint32, uint64,
} from './json-read.js';
import type {
  Exemplar, ExpBuckets, LogRecord, LogsData, Metric, MetricData, MetricsData, NumberDataPoint, Span, TracesData,
} from './model.js';

const SPAN_KIND: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0, AGGREGATION_TEMPORALITY_DELTA: 1, AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const SEVERITY: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].forEach((name, i) => {
  SEVERITY[`SEVERITY_NUMBER_${name}`] = i * 4 + 1;
  for (let k = 2; k <= 4; k++) SEVERITY[`SEVERITY_NUMBER_${name}${k}`] = i * 4 + k;
});

/** Parses the body (JSON text, UTF-8 bytes or an already-parsed value) into the top-level object. */
function top(body: unknown): Json {
  let v = body;
  if (v instanceof Uint8Array) v = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (err) {
      throw errors.invalidData(`invalid OTLP/JSON: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }
  return optObject(v, '(root)') ?? fail('(root)', 'expected an object, got null');
}

function guard<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof OutriderError) throw err;
    throw errors.invalidData(`invalid OTLP/JSON: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/**
 * Decodes an OTLP/JSON ExportTraceServiceRequest. Unknown (including snake_case) keys are ignored;
 * traceId/spanId are hex of 32/16 digits, or "" for none; int64s may be numbers or decimal strings.
 * @throws OutriderError INVALID_DATA with the key path of the first bad value
 */
export function decodeTracesJson(body: string | object): TracesData {
  return guard(() => {
    const root = top(body);
    return {
      resourceSpans: array(root.resourceSpans, 'resourceSpans').map((rsv, i) => {
        const p = `resourceSpans[${i}]`;
        const rs = optObject(rsv, p) ?? {};
        return {
          resource: resource(rs.resource, `${p}.resource`),
          scopeSpans: array(rs.scopeSpans, `${p}.scopeSpans`).map((ssv, j) => {
            const ps = `${p}.scopeSpans[${j}]`;
            const ss = optObject(ssv, ps) ?? {};
            return {
              scope: scope(ss.scope, `${ps}.scope`),
              spans: array(ss.spans, `${ps}.spans`).map((sv, k) => decodeSpan(sv, `${ps}.spans[${k}]`)),
              schemaUrl: string(ss.schemaUrl, `${ps}.schemaUrl`),
            };
          }),
          schemaUrl: string(rs.schemaUrl, `${p}.schemaUrl`),
        };
      }),
    };
  });
}

function decodeSpan(v: unknown, p: string): Span {
  const s = optObject(v, p) ?? {};
  const st = optObject(s.status, `${p}.status`) ?? {};
  return {
    traceId: hexId(s.traceId, `${p}.traceId`, 16),
    spanId: hexId(s.spanId, `${p}.spanId`, 8),
    traceState: string(s.traceState, `${p}.traceState`),
    parentSpanId: hexId(s.parentSpanId, `${p}.parentSpanId`, 8),
    flags: uint32(s.flags, `${p}.flags`),
    name: string(s.name, `${p}.name`),
    kind: enumValue(s.kind, `${p}.kind`, SPAN_KIND),
    startTimeUnixNano: uint64(s.startTimeUnixNano, `${p}.startTimeUnixNano`),
    endTimeUnixNano: uint64(s.endTimeUnixNano, `${p}.endTimeUnixNano`),
    attributes: keyValues(s.attributes, `${p}.attributes`),
    droppedAttributesCount: uint32(s.droppedAttributesCount, `${p}.droppedAttributesCount`),
    events: array(s.events, `${p}.events`).map((ev, i) => {
      const pe = `${p}.events[${i}]`;
      const e = optObject(ev, pe) ?? {};
      return {
        timeUnixNano: uint64(e.timeUnixNano, `${pe}.timeUnixNano`),
        name: string(e.name, `${pe}.name`),
        attributes: keyValues(e.attributes, `${pe}.attributes`),
        droppedAttributesCount: uint32(e.droppedAttributesCount, `${pe}.droppedAttributesCount`),
      };
    }),
    droppedEventsCount: uint32(s.droppedEventsCount, `${p}.droppedEventsCount`),
    links: array(s.links, `${p}.links`).map((lv, i) => {
      const pl = `${p}.links[${i}]`;
      const l = optObject(lv, pl) ?? {};
      return {
        traceId: hexId(l.traceId, `${pl}.traceId`, 16),
        spanId: hexId(l.spanId, `${pl}.spanId`, 8),
        traceState: string(l.traceState, `${pl}.traceState`),
        attributes: keyValues(l.attributes, `${pl}.attributes`),
        droppedAttributesCount: uint32(l.droppedAttributesCount, `${pl}.droppedAttributesCount`),
        flags: uint32(l.flags, `${pl}.flags`),
      };
    }),
    droppedLinksCount: uint32(s.droppedLinksCount, `${p}.droppedLinksCount`),
    status: { message: string(st.message, `${p}.status.message`), code: enumValue(st.code, `${p}.status.code`, STATUS_CODE) },
  };
}

/**
 * Decodes an OTLP/JSON ExportMetricsServiceRequest (same rules as {@link decodeTracesJson}).
 * @throws OutriderError INVALID_DATA with the key path of the first bad value
 */
export function decodeMetricsJson(body: string | object): MetricsData {
  return guard(() => {
    const root = top(body);
    return {
      resourceMetrics: array(root.resourceMetrics, 'resourceMetrics').map((rmv, i) => {
        const p = `resourceMetrics[${i}]`;
        const rm = optObject(rmv, p) ?? {};
        return {
          resource: resource(rm.resource, `${p}.resource`),
          scopeMetrics: array(rm.scopeMetrics, `${p}.scopeMetrics`).map((smv, j) => {
            const ps = `${p}.scopeMetrics[${j}]`;
            const sm = optObject(smv, ps) ?? {};
            return {
              scope: scope(sm.scope, `${ps}.scope`),
              metrics: array(sm.metrics, `${ps}.metrics`).map((mv, k) => decodeMetric(mv, `${ps}.metrics[${k}]`)),
              schemaUrl: string(sm.schemaUrl, `${ps}.schemaUrl`),
            };
          }),
          schemaUrl: string(rm.schemaUrl, `${p}.schemaUrl`),
        };
      }),
    };
  });
}

function decodeMetric(v: unknown, p: string): Metric {
  const m = optObject(v, p) ?? {};
  return {
    name: string(m.name, `${p}.name`),
    description: string(m.description, `${p}.description`),
    unit: string(m.unit, `${p}.unit`),
    data: decodeData(m, p),
    metadata: keyValues(m.metadata, `${p}.metadata`),
  };
}

function decodeData(m: Json, p: string): MetricData | null {
  const points = (d: Json, pd: string) => array(d.dataPoints, `${pd}.dataPoints`);
  const temporality = (d: Json, pd: string) => enumValue(d.aggregationTemporality, `${pd}.aggregationTemporality`, TEMPORALITY);
  let d: Json | null;
  if ((d = optObject(m.gauge, `${p}.gauge`)) !== null) {
    const pd = `${p}.gauge`;
    return { type: 'gauge', dataPoints: points(d, pd).map((x, i) => numberPoint(x, `${pd}.dataPoints[${i}]`)) };
  }
  if ((d = optObject(m.sum, `${p}.sum`)) !== null) {
    const pd = `${p}.sum`;
    return {
      type: 'sum', dataPoints: points(d, pd).map((x, i) => numberPoint(x, `${pd}.dataPoints[${i}]`)),
      aggregationTemporality: temporality(d, pd), isMonotonic: bool(d.isMonotonic, `${pd}.isMonotonic`),
    };
  }
  if ((d = optObject(m.histogram, `${p}.histogram`)) !== null) {
    const pd = `${p}.histogram`;
    return {
      type: 'histogram', aggregationTemporality: temporality(d, pd),
      dataPoints: points(d, pd).map((x, i) => {
        const pp = `${pd}.dataPoints[${i}]`;
        const o = optObject(x, pp) ?? {};
        return {
          attributes: keyValues(o.attributes, `${pp}.attributes`),
          startTimeUnixNano: uint64(o.startTimeUnixNano, `${pp}.startTimeUnixNano`),
          timeUnixNano: uint64(o.timeUnixNano, `${pp}.timeUnixNano`),
          count: count(o.count, `${pp}.count`),
          sum: optDouble(o.sum, `${pp}.sum`),
          bucketCounts: array(o.bucketCounts, `${pp}.bucketCounts`).map((c, k) => count(c, `${pp}.bucketCounts[${k}]`)),
          explicitBounds: array(o.explicitBounds, `${pp}.explicitBounds`).map((b, k) => double(b, `${pp}.explicitBounds[${k}]`)),
          exemplars: exemplars(o.exemplars, `${pp}.exemplars`),
          flags: uint32(o.flags, `${pp}.flags`),
          min: optDouble(o.min, `${pp}.min`),
          max: optDouble(o.max, `${pp}.max`),
        };
      }),
    };
  }
  if ((d = optObject(m.exponentialHistogram, `${p}.exponentialHistogram`)) !== null) {
    const pd = `${p}.exponentialHistogram`;
    return {
      type: 'exponentialHistogram', aggregationTemporality: temporality(d, pd),
      dataPoints: points(d, pd).map((x, i) => {
        const pp = `${pd}.dataPoints[${i}]`;
        const o = optObject(x, pp) ?? {};
        return {
          attributes: keyValues(o.attributes, `${pp}.attributes`),
          startTimeUnixNano: uint64(o.startTimeUnixNano, `${pp}.startTimeUnixNano`),
          timeUnixNano: uint64(o.timeUnixNano, `${pp}.timeUnixNano`),
          count: count(o.count, `${pp}.count`),
          sum: optDouble(o.sum, `${pp}.sum`),
          scale: int32(o.scale, `${pp}.scale`),
          zeroCount: count(o.zeroCount, `${pp}.zeroCount`),
          positive: buckets(o.positive, `${pp}.positive`),
          negative: buckets(o.negative, `${pp}.negative`),
          flags: uint32(o.flags, `${pp}.flags`),
          exemplars: exemplars(o.exemplars, `${pp}.exemplars`),
          min: optDouble(o.min, `${pp}.min`),
          max: optDouble(o.max, `${pp}.max`),
          zeroThreshold: double(o.zeroThreshold, `${pp}.zeroThreshold`),
        };
      }),
    };
  }
  if ((d = optObject(m.summary, `${p}.summary`)) !== null) {
    const pd = `${p}.summary`;
    return {
      type: 'summary',
      dataPoints: points(d, pd).map((x, i) => {
        const pp = `${pd}.dataPoints[${i}]`;
        const o = optObject(x, pp) ?? {};
        return {
          attributes: keyValues(o.attributes, `${pp}.attributes`),
          startTimeUnixNano: uint64(o.startTimeUnixNano, `${pp}.startTimeUnixNano`),
          timeUnixNano: uint64(o.timeUnixNano, `${pp}.timeUnixNano`),
          count: count(o.count, `${pp}.count`),
          sum: double(o.sum, `${pp}.sum`),
          quantileValues: array(o.quantileValues, `${pp}.quantileValues`).map((qv, k) => {
            const q = optObject(qv, `${pp}.quantileValues[${k}]`) ?? {};
            return {
              quantile: double(q.quantile, `${pp}.quantileValues[${k}].quantile`),
              value: double(q.value, `${pp}.quantileValues[${k}].value`),
            };
          }),
          flags: uint32(o.flags, `${pp}.flags`),
        };
      }),
    };
  }
  return null;
}

/** asInt wins over asDouble when both are present; neither reads as 0 (a double). */
function pointValue(o: Json, p: string): number | bigint {
  if (o.asInt !== undefined && o.asInt !== null) return int64(o.asInt, `${p}.asInt`);
  return double(o.asDouble, `${p}.asDouble`);
}

function numberPoint(v: unknown, p: string): NumberDataPoint {
  const o = optObject(v, p) ?? {};
  return {
    attributes: keyValues(o.attributes, `${p}.attributes`),
    startTimeUnixNano: uint64(o.startTimeUnixNano, `${p}.startTimeUnixNano`),
    timeUnixNano: uint64(o.timeUnixNano, `${p}.timeUnixNano`),
    value: pointValue(o, p),
    exemplars: exemplars(o.exemplars, `${p}.exemplars`),
    flags: uint32(o.flags, `${p}.flags`),
  };
}

function exemplars(v: unknown, path: string): Exemplar[] {
  return array(v, path).map((ev, i) => {
    const p = `${path}[${i}]`;
    const o = optObject(ev, p) ?? {};
    return {
      filteredAttributes: keyValues(o.filteredAttributes, `${p}.filteredAttributes`),
      timeUnixNano: uint64(o.timeUnixNano, `${p}.timeUnixNano`),
      value: pointValue(o, p),
      spanId: hexId(o.spanId, `${p}.spanId`, 8),
      traceId: hexId(o.traceId, `${p}.traceId`, 16),
    };
  });
}

function buckets(v: unknown, p: string): ExpBuckets | null {
  const o = optObject(v, p);
  if (o === null) return null;
  return {
    offset: int32(o.offset, `${p}.offset`),
    bucketCounts: array(o.bucketCounts, `${p}.bucketCounts`).map((c, k) => count(c, `${p}.bucketCounts[${k}]`)),
  };
}

/**
 * Decodes an OTLP/JSON ExportLogsServiceRequest (same rules as {@link decodeTracesJson}).
 * @throws OutriderError INVALID_DATA with the key path of the first bad value
 */
export function decodeLogsJson(body: string | object): LogsData {
  return guard(() => {
    const root = top(body);
    return {
      resourceLogs: array(root.resourceLogs, 'resourceLogs').map((rlv, i) => {
        const p = `resourceLogs[${i}]`;
        const rl = optObject(rlv, p) ?? {};
        return {
          resource: resource(rl.resource, `${p}.resource`),
          scopeLogs: array(rl.scopeLogs, `${p}.scopeLogs`).map((slv, j) => {
            const ps = `${p}.scopeLogs[${j}]`;
            const sl = optObject(slv, ps) ?? {};
            return {
              scope: scope(sl.scope, `${ps}.scope`),
              logRecords: array(sl.logRecords, `${ps}.logRecords`).map((lv, k) => logRecord(lv, `${ps}.logRecords[${k}]`)),
              schemaUrl: string(sl.schemaUrl, `${ps}.schemaUrl`),
            };
          }),
          schemaUrl: string(rl.schemaUrl, `${p}.schemaUrl`),
        };
      }),
    };
  });
}

function logRecord(v: unknown, p: string): LogRecord {
  const o = optObject(v, p) ?? {};
  return {
    timeUnixNano: uint64(o.timeUnixNano, `${p}.timeUnixNano`),
    observedTimeUnixNano: uint64(o.observedTimeUnixNano, `${p}.observedTimeUnixNano`),
    severityNumber: enumValue(o.severityNumber, `${p}.severityNumber`, SEVERITY),
    severityText: string(o.severityText, `${p}.severityText`),
    body: anyValue(o.body, `${p}.body`),
    attributes: keyValues(o.attributes, `${p}.attributes`),
    droppedAttributesCount: uint32(o.droppedAttributesCount, `${p}.droppedAttributesCount`),
    flags: uint32(o.flags, `${p}.flags`),
    traceId: hexId(o.traceId, `${p}.traceId`, 16),
    spanId: hexId(o.spanId, `${p}.spanId`, 8),
    eventName: string(o.eventName, `${p}.eventName`),
  };
}

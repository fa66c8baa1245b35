// OTLP/JSON decoding of export requests into the model (lowerCamelCase keys, hex ids, string int64s).
import { errors, OutriderError } from '../errors.js';
import { decodeMetric } from './json-decode-metrics.js';
import {
  anyValue, array, enumValue, fail, hexId, hexIdAnySize, type Json, keyValues, optObject, resource, scope, string, uint32, uint64,
} from './json-read.js';
import type { LogRecord, LogsData, MetricsData, Span, TracesData } from './model.js';

const SPAN_KIND: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
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
      v = JSON.parse(v.charCodeAt(0) === 0xfeff ? v.slice(1) : v);
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
 * ids are hex, or "" for none (span and link ids of the wrong size are kept for the receiver to reject
 * those spans alone); int64s may be numbers or decimal strings.
 * @param body JSON text, its UTF-8 bytes (a Uint8Array or Buffer), or an already-parsed value
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
    traceId: hexIdAnySize(s.traceId, `${p}.traceId`, 16),
    spanId: hexIdAnySize(s.spanId, `${p}.spanId`, 8),
    traceState: string(s.traceState, `${p}.traceState`),
    parentSpanId: hexIdAnySize(s.parentSpanId, `${p}.parentSpanId`, 8),
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
        traceId: hexIdAnySize(l.traceId, `${pl}.traceId`, 16),
        spanId: hexIdAnySize(l.spanId, `${pl}.spanId`, 8),
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

// Schema-specific protobuf decoders for OTLP Export{Trace,Metrics,Logs}ServiceRequest into the model.
import type {
  Signal, SignalData, LogRecord, LogsData, MetricsData, ResourceLogs, ResourceSpans, ScopeLogs, ScopeSpans, Span, SpanEvent,
  SpanLink, SpanStatus, TracesData,
} from './model.js';
import { decodeAnyValue, decodeKeyValue, decodeResource, decodeScope, decodeTop } from './proto-decode-common.js';
import { decodeResourceMetrics } from './proto-decode-metrics.js';
import type { ProtoReader } from './proto-reader.js';
import { DecodedSpan } from './span-edit.js';
import { TRACES_REQUEST, METRICS_REQUEST, LOGS_REQUEST, RESOURCE_SPANS, SCOPE_SPANS, SPAN, EVENT, LINK, STATUS, RESOURCE_LOGS, SCOPE_LOGS, LOG_RECORD } from './proto-fields.js';

const EMPTY = new Uint8Array(0);
const TRACE_ID = 16;
const SPAN_ID = 8;


/**
 * Decodes an OTLP ExportTraceServiceRequest (or TracesData, the same wire shape).
 * Unknown fields are skipped; ids are copied out of `buf`. Span and link ids of any length are kept:
 * the receiver rejects those spans alone (partial success) rather than the whole request.
 * @throws OutriderError INVALID_DATA naming the problem, offset and message, on any malformed input
 */
export function decodeTracesRequest(buf: Uint8Array): TracesData {
  return decodeTop(buf, 'ExportTraceServiceRequest', (r) => {
    const resourceSpans: ResourceSpans[] = [];
    while (r.pos < r.end) {
      const t = r.tag();
      if (t === 0x0a) resourceSpans.push(decodeResourceSpans(r));
      else r.skipOther(t, TRACES_REQUEST);
    }
    return { resourceSpans };
  });
}

/**
 * Decodes an OTLP ExportMetricsServiceRequest (or MetricsData).
 * @throws OutriderError INVALID_DATA on any malformed input
 */
export function decodeMetricsRequest(buf: Uint8Array): MetricsData {
  return decodeTop(buf, 'ExportMetricsServiceRequest', (r) => {
    const resourceMetrics: MetricsData['resourceMetrics'] = [];
    while (r.pos < r.end) {
      const t = r.tag();
      if (t === 0x0a) resourceMetrics.push(decodeResourceMetrics(r));
      else r.skipOther(t, METRICS_REQUEST);
    }
    return { resourceMetrics };
  });
}

/**
 * Decodes an OTLP ExportLogsServiceRequest (or LogsData).
 * @throws OutriderError INVALID_DATA on any malformed input
 */
export function decodeLogsRequest(buf: Uint8Array): LogsData {
  return decodeTop(buf, 'ExportLogsServiceRequest', (r) => {
    const resourceLogs: ResourceLogs[] = [];
    while (r.pos < r.end) {
      const t = r.tag();
      if (t === 0x0a) resourceLogs.push(decodeResourceLogs(r));
      else r.skipOther(t, LOGS_REQUEST);
    }
    return { resourceLogs };
  });
}

/** Decodes an Export<Signal>ServiceRequest of `signal`. @throws OutriderError INVALID_DATA on malformed input */
export function decodeRequest<S extends Signal>(signal: S, buf: Uint8Array): SignalData[S] {
  const decode = signal === 'traces' ? decodeTracesRequest : signal === 'metrics' ? decodeMetricsRequest : decodeLogsRequest;
  return decode(buf) as SignalData[S];
}

// ---------- traces ----------

function decodeResourceSpans(r: ProtoReader): ResourceSpans {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ResourceSpans';
  const rs: ResourceSpans = { resource: null, scopeSpans: [], schemaUrl: '' };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x12) rs.scopeSpans.push(decodeScopeSpans(r));
    else if (t === 0x0a) rs.resource = decodeResource(r);
    else if (t === 0x1a) rs.schemaUrl = r.string();
    else r.skipOther(t, RESOURCE_SPANS);
  }
  r.msg = prev;
  r.leave(outer);
  return rs;
}

function decodeScopeSpans(r: ProtoReader): ScopeSpans {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ScopeSpans';
  const ss: ScopeSpans = { scope: null, spans: [], schemaUrl: '' };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x12) ss.spans.push(decodeSpan(r));
    else if (t === 0x0a) ss.scope = decodeScope(r);
    else if (t === 0x1a) ss.schemaUrl = r.string();
    else r.skipOther(t, SCOPE_SPANS);
  }
  r.msg = prev;
  r.leave(outer);
  return ss;
}

/** Decodes a Span (length-prefixed), which remembers its bytes (see {@link DecodedSpan}) unless a string in it was not valid UTF-8. */
function decodeSpan(r: ProtoReader): Span {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'Span';
  const span = readSpan(r);
  r.msg = prev;
  r.leave(outer);
  return span;
}

/**
 * Decodes the Span message at bytes `start`–`end` of `buf` (a span held encoded, see LazySpan).
 * @throws OutriderError INVALID_DATA on malformed input
 */
export function decodeSpanAt(buf: Uint8Array, start: number, end: number): DecodedSpan {
  return decodeTop(buf, 'Span', (r) => {
    r.pos = start;
    r.end = end;
    return readSpan(r);
  });
}

/** The fields of a Span from the reader's position to its end. */
function readSpan(r: ProtoReader): DecodedSpan {
  const lossy = r.lossy;
  const start = r.pos;
  const span = new DecodedSpan();
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x4a: span.attributes.push(decodeKeyValue(r)); break;
      case 0x0a: span.traceId = r.bytes(); break;
      case 0x12: span.spanId = r.bytes(); break;
      case 0x1a: span.traceState = r.string(); break;
      case 0x22: span.parentSpanId = r.bytes(); break;
      case 0x2a: span.name = r.string(); break;
      case 0x30: span.kind = r.int32(); break;
      case 0x39: span.startTimeUnixNano = r.fixed64(); break;
      case 0x41: span.endTimeUnixNano = r.fixed64(); break;
      case 0x50: span.droppedAttributesCount = r.uint32(); break;
      case 0x5a: span.events.push(decodeEvent(r)); break;
      case 0x60: span.droppedEventsCount = r.uint32(); break;
      case 0x6a: span.links.push(decodeLink(r)); break;
      case 0x70: span.droppedLinksCount = r.uint32(); break;
      case 0x7a: span.status = decodeStatus(r); break;
      case 0x85: span.flags = r.fixed32(); break;
      default: r.skipOther(t, SPAN);
    }
  }
  if (r.lossy === lossy) DecodedSpan.remember(span, r.buf, start, r.end);
  return span;
}

function decodeEvent(r: ProtoReader): SpanEvent {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'Span.Event';
  const ev: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x09: ev.timeUnixNano = r.fixed64(); break;
      case 0x12: ev.name = r.string(); break;
      case 0x1a: ev.attributes.push(decodeKeyValue(r)); break;
      case 0x20: ev.droppedAttributesCount = r.uint32(); break;
      default: r.skipOther(t, EVENT);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return ev;
}

function decodeLink(r: ProtoReader): SpanLink {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'Span.Link';
  const link: SpanLink = { traceId: EMPTY, spanId: EMPTY, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x0a: link.traceId = r.bytes(); break;
      case 0x12: link.spanId = r.bytes(); break;
      case 0x1a: link.traceState = r.string(); break;
      case 0x22: link.attributes.push(decodeKeyValue(r)); break;
      case 0x28: link.droppedAttributesCount = r.uint32(); break;
      case 0x35: link.flags = r.fixed32(); break;
      default: r.skipOther(t, LINK);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return link;
}

function decodeStatus(r: ProtoReader): SpanStatus {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'Status';
  const status: SpanStatus = { message: '', code: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x12) status.message = r.string();
    else if (t === 0x18) status.code = r.int32();
    else r.skipOther(t, STATUS);
  }
  r.msg = prev;
  r.leave(outer);
  return status;
}

// ---------- logs ----------

function decodeResourceLogs(r: ProtoReader): ResourceLogs {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ResourceLogs';
  const rl: ResourceLogs = { resource: null, scopeLogs: [], schemaUrl: '' };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x12) rl.scopeLogs.push(decodeScopeLogs(r));
    else if (t === 0x0a) rl.resource = decodeResource(r);
    else if (t === 0x1a) rl.schemaUrl = r.string();
    else r.skipOther(t, RESOURCE_LOGS);
  }
  r.msg = prev;
  r.leave(outer);
  return rl;
}

function decodeScopeLogs(r: ProtoReader): ScopeLogs {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ScopeLogs';
  const sl: ScopeLogs = { scope: null, logRecords: [], schemaUrl: '' };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x12) sl.logRecords.push(decodeLogRecord(r));
    else if (t === 0x0a) sl.scope = decodeScope(r);
    else if (t === 0x1a) sl.schemaUrl = r.string();
    else r.skipOther(t, SCOPE_LOGS);
  }
  r.msg = prev;
  r.leave(outer);
  return sl;
}

function decodeLogRecord(r: ProtoReader): LogRecord {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'LogRecord';
  const lr: LogRecord = {
    timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: '', body: null,
    attributes: [], droppedAttributesCount: 0, flags: 0, traceId: EMPTY, spanId: EMPTY, eventName: '',
  };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x09: lr.timeUnixNano = r.fixed64(); break;
      case 0x59: lr.observedTimeUnixNano = r.fixed64(); break;
      case 0x10: lr.severityNumber = r.int32(); break;
      case 0x1a: lr.severityText = r.string(); break;
      case 0x2a: lr.body = decodeAnyValue(r); break;
      case 0x32: lr.attributes.push(decodeKeyValue(r)); break;
      case 0x38: lr.droppedAttributesCount = r.uint32(); break;
      case 0x45: lr.flags = r.fixed32(); break;
      case 0x4a: lr.traceId = r.id(TRACE_ID); break;
      case 0x52: lr.spanId = r.id(SPAN_ID); break;
      case 0x62: lr.eventName = r.string(); break;
      default: r.skipOther(t, LOG_RECORD);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return lr;
}

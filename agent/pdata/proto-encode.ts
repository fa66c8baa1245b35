// Protobuf encoders for OTLP export requests and responses (and google.rpc.Status) from the model.
import type { LogRecord, LogsData, MetricsData, Signal, SignalData, Span, TracesData } from './model.js';
import { decodeTop } from './proto-decode-common.js';
import {
  writeAnyValue, writeBytesField, writeFixed64Field, writeInt32Field, writeKeyValues, writeResource, writeScope,
  writeStringField, writeUint32Field,
} from './proto-encode-common.js';
import { writeResourceMetrics } from './proto-encode-metrics.js';
import { ProtoWriter } from './proto-writer.js';
import { DecodedSpan } from './span-edit.js';
import { LazySpan } from './lazy-span.js';

/**
 * Encodes an OTLP ExportTraceServiceRequest. Proto3 defaults (0, '', empty ids and lists) are omitted;
 * a null resource or scope is omitted; a status is written only when its code or message is set.
 */
export function encodeTracesRequest(td: TracesData): Uint8Array {
  const w = new ProtoWriter(tracesRequestSizeHint(td));
  writeTracesRequest(w, td);
  return w.finish();
}

/**
 * Room to reserve for the encoding of `td`: ~1 KiB a span, so a large batch is not copied over and
 * over as the buffer doubles.
 */
function tracesRequestSizeHint(td: TracesData): number {
  let spans = 0;
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
  return Math.max(16384, spans * 1024);
}

/**
 * Writes `td` as an ExportTraceServiceRequest at the writer's position. Writing several after one
 * another makes one request holding all their resources (a repeated field's entries add up).
 */
export function writeTracesRequest(w: ProtoWriter, td: TracesData): void {
  for (const rs of td.resourceSpans) {
    w.uint32(0x0a);
    const mr = w.fork(3);
    writeResource(w, 0x0a, rs.resource);
    for (const ss of rs.scopeSpans) {
      w.uint32(0x12);
      const ms = w.fork(3);
      writeScope(w, 0x0a, ss.scope);
      for (const span of ss.spans) writeSpan(w, span);
      writeStringField(w, 0x1a, ss.schemaUrl);
      w.ldelim(ms);
    }
    writeStringField(w, 0x1a, rs.schemaUrl);
    w.ldelim(mr);
  }
}

/**
 * Encodes `spans` as a TracesData of one ResourceSpans and one ScopeSpans with neither resource nor
 * scope (a compact form to hold spans in memory; {@link decodeTracesRequest} reads it back). `w` is
 * reused: it is reset here and the result is a copy.
 */
export function encodeSpanGroup(w: ProtoWriter, spans: readonly Span[]): Uint8Array {
  w.pos = 0;
  w.uint32(0x0a);
  const mr = w.fork(3);
  w.uint32(0x12);
  const ms = w.fork(3);
  for (const span of spans) writeSpan(w, span);
  w.ldelim(ms);
  w.ldelim(mr);
  return w.buf.slice(0, w.pos);
}

/** Room to reserve for the encoding of `data`: ~1 KiB a span for traces, the writer's default otherwise. */
export function requestSizeHint<S extends Signal>(signal: S, data: SignalData[S]): number | undefined {
  return signal === 'traces' ? tracesRequestSizeHint(data as TracesData) : undefined;
}

/** Writes `data` as an Export<Signal>ServiceRequest at the writer's position (see {@link writeTracesRequest}). */
export function writeRequest<S extends Signal>(w: ProtoWriter, signal: S, data: SignalData[S]): void {
  if (signal === 'traces') writeTracesRequest(w, data as TracesData);
  else if (signal === 'metrics') writeMetricsRequest(w, data as MetricsData);
  else writeLogsRequest(w, data as LogsData);
}

/** Encodes an OTLP ExportMetricsServiceRequest (same default rules as {@link encodeTracesRequest}). */
export function encodeMetricsRequest(md: MetricsData): Uint8Array {
  const w = new ProtoWriter();
  writeMetricsRequest(w, md);
  return w.finish();
}

/** Writes `md` as an ExportMetricsServiceRequest at the writer's position (see {@link writeTracesRequest}). */
export function writeMetricsRequest(w: ProtoWriter, md: MetricsData): void {
  for (const rm of md.resourceMetrics) writeResourceMetrics(w, rm);
}

/** Encodes an OTLP ExportLogsServiceRequest; a null body is omitted. */
export function encodeLogsRequest(ld: LogsData): Uint8Array {
  const w = new ProtoWriter();
  writeLogsRequest(w, ld);
  return w.finish();
}

/** Writes `ld` as an ExportLogsServiceRequest at the writer's position (see {@link writeTracesRequest}). */
export function writeLogsRequest(w: ProtoWriter, ld: LogsData): void {
  for (const rl of ld.resourceLogs) {
    w.uint32(0x0a);
    const mr = w.fork(3);
    writeResource(w, 0x0a, rl.resource);
    for (const sl of rl.scopeLogs) {
      w.uint32(0x12);
      const ms = w.fork(3);
      writeScope(w, 0x0a, sl.scope);
      for (const lr of sl.logRecords) writeLogRecord(w, lr);
      writeStringField(w, 0x1a, sl.schemaUrl);
      w.ldelim(ms);
    }
    writeStringField(w, 0x1a, rl.schemaUrl);
    w.ldelim(mr);
  }
}

function writeSpan(w: ProtoWriter, s: Span): void {
  w.uint32(0x12);
  const m = w.fork(2);
  // as received, plus what was appended since, when the span still has its received encoding
  if (DecodedSpan.writeFields(w, s) || LazySpan.writeFields(w, s)) { w.ldelim(m); return; }
  writeBytesField(w, 0x0a, s.traceId);
  writeBytesField(w, 0x12, s.spanId);
  writeStringField(w, 0x1a, s.traceState);
  writeBytesField(w, 0x22, s.parentSpanId);
  writeStringField(w, 0x2a, s.name);
  writeInt32Field(w, 0x30, s.kind);
  writeFixed64Field(w, 0x39, s.startTimeUnixNano);
  writeFixed64Field(w, 0x41, s.endTimeUnixNano);
  writeKeyValues(w, 0x4a, s.attributes);
  writeUint32Field(w, 0x50, s.droppedAttributesCount);
  for (const ev of s.events) {
    w.uint32(0x5a);
    const me = w.fork(2);
    writeFixed64Field(w, 0x09, ev.timeUnixNano);
    writeStringField(w, 0x12, ev.name);
    writeKeyValues(w, 0x1a, ev.attributes);
    writeUint32Field(w, 0x20, ev.droppedAttributesCount);
    w.ldelim(me);
  }
  writeUint32Field(w, 0x60, s.droppedEventsCount);
  for (const l of s.links) {
    w.uint32(0x6a);
    const ml = w.fork();
    writeBytesField(w, 0x0a, l.traceId);
    writeBytesField(w, 0x12, l.spanId);
    writeStringField(w, 0x1a, l.traceState);
    writeKeyValues(w, 0x22, l.attributes);
    writeUint32Field(w, 0x28, l.droppedAttributesCount);
    if (l.flags !== 0) { w.uint32(0x35); w.fixed32(l.flags); }
    w.ldelim(ml);
  }
  writeUint32Field(w, 0x70, s.droppedLinksCount);
  if (s.status.code !== 0 || s.status.message !== '') {
    w.uint32(0x7a);
    const mst = w.fork();
    writeStringField(w, 0x12, s.status.message);
    writeInt32Field(w, 0x18, s.status.code);
    w.ldelim(mst);
  }
  if (s.flags !== 0) { w.uint32(0x85); w.fixed32(s.flags); }
  w.ldelim(m);
}

function writeLogRecord(w: ProtoWriter, lr: LogRecord): void {
  w.uint32(0x12);
  const m = w.fork(2);
  writeFixed64Field(w, 0x09, lr.timeUnixNano);
  writeInt32Field(w, 0x10, lr.severityNumber);
  writeStringField(w, 0x1a, lr.severityText);
  if (lr.body !== null) {
    w.uint32(0x2a);
    const mb = w.fork();
    writeAnyValue(w, lr.body);
    w.ldelim(mb);
  }
  writeKeyValues(w, 0x32, lr.attributes);
  writeUint32Field(w, 0x38, lr.droppedAttributesCount);
  if (lr.flags !== 0) { w.uint32(0x45); w.fixed32(lr.flags); }
  writeBytesField(w, 0x4a, lr.traceId);
  writeBytesField(w, 0x52, lr.spanId);
  writeFixed64Field(w, 0x59, lr.observedTimeUnixNano);
  writeStringField(w, 0x62, lr.eventName);
  w.ldelim(m);
}

/**
 * Encodes an Export{Trace,Metrics,Logs}ServiceResponse (all three share the layout:
 * partial_success = 1 { rejected_* int64 = 1, error_message = 2 }). With nothing rejected and no
 * message the response is empty, as the spec asks for full success.
 */
export function encodeExportResponse(rejected: number, errorMessage: string): Uint8Array {
  const w = new ProtoWriter(64 + errorMessage.length * 3);
  if (rejected !== 0 || errorMessage !== '') {
    w.uint32(0x0a);
    const m = w.fork();
    if (rejected !== 0) { w.uint32(0x08); w.int64(BigInt(Math.trunc(rejected))); }
    writeStringField(w, 0x12, errorMessage);
    w.ldelim(m);
  }
  return w.finish();
}

/**
 * Decodes an Export{Trace,Metrics,Logs}ServiceResponse; a missing partial_success reads as 0 and ''.
 * @throws OutriderError INVALID_DATA on malformed input
 */
export function decodeExportResponse(buf: Uint8Array): { rejected: number; errorMessage: string } {
  return decodeTop(buf, 'ExportServiceResponse', (r) => {
    let rejected = 0;
    let errorMessage = '';
    while (r.pos < r.end) {
      const t = r.tag();
      if (t !== 0x0a) { r.skip(t); continue; }
      const outer = r.enter();
      r.msg = 'ExportPartialSuccess';
      while (r.pos < r.end) {
        const ti = r.tag();
        if (ti === 0x08) rejected = Number(r.int64());
        else if (ti === 0x12) errorMessage = r.string();
        else r.skip(ti);
      }
      r.msg = 'ExportServiceResponse';
      r.leave(outer);
    }
    return { rejected, errorMessage };
  });
}


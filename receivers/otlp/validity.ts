// Spans the OTLP spec calls invalid (trace id not 16 non-zero bytes, span id not 8 non-zero bytes), and
// spans whose parent or link ids have the wrong size: taken out of the batch and reported to the
// sender as a partial success, so the valid spans beside them are kept.
import type { Span, TracesData } from '../../agent/pdata/model.js';

/** The rule, as told to senders in partial_success.error_message. */
export const INVALID_SPAN_RULE =
  'trace_id must be 16 and span_id 8 bytes, not all zero; parent_span_id empty or 8 bytes; link ids empty or 16/8 bytes';

function validId(id: Uint8Array, size: number): boolean {
  if (id.length !== size) return false;
  for (let i = 0; i < size; i++) if (id[i] !== 0) return true;
  return false;
}

function validSpan(s: Span): boolean {
  if (!validId(s.traceId, 16) || !validId(s.spanId, 8)) return false;
  if (s.parentSpanId.length !== 0 && s.parentSpanId.length !== 8) return false;
  for (const l of s.links) {
    if ((l.traceId.length !== 0 && l.traceId.length !== 16) || (l.spanId.length !== 0 && l.spanId.length !== 8)) return false;
  }
  return true;
}

/** Removes invalid spans in place (the receiver owns the batch); returns how many it removed. */
export function dropInvalidSpans(td: TracesData): number {
  let dropped = 0;
  for (const rs of td.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      let bad = 0;
      for (const s of ss.spans) if (!validSpan(s)) bad++;
      if (bad === 0) continue;
      ss.spans = ss.spans.filter(validSpan);
      dropped += bad;
    }
  }
  return dropped;
}

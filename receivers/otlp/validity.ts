// Spans the OTLP spec calls invalid (trace id not 16 non-zero bytes, span id not 8 non-zero bytes):
// taken out of the batch and reported to the sender as a partial success.
import type { TracesData } from '../../agent/pdata/model.js';

function validId(id: Uint8Array, size: number): boolean {
  if (id.length !== size) return false;
  for (let i = 0; i < size; i++) if (id[i] !== 0) return true;
  return false;
}

/** Removes invalid spans in place (the receiver owns the batch); returns how many it removed. */
export function dropInvalidSpans(td: TracesData): number {
  let dropped = 0;
  for (const rs of td.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      let bad = 0;
      for (const s of ss.spans) if (!validId(s.traceId, 16) || !validId(s.spanId, 8)) bad++;
      if (bad === 0) continue;
      ss.spans = ss.spans.filter((s) => validId(s.traceId, 16) && validId(s.spanId, 8));
      dropped += bad;
    }
  }
  return dropped;
}

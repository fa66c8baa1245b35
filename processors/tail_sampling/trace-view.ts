// What a policy sees of a buffered trace: its spans, each span's resource attributes, and the
// trace's OTEP 235 randomness.
import type { AnyValue, KeyValue, Span } from '../../agent/pdata/model.js';

/** A buffered trace as policies read it. */
export interface TraceView {
  readonly spans: readonly Span[];
  /** Resource attributes of span `i`. */
  resourceOf(i: number): readonly KeyValue[];
  /** The trace's 56-bit randomness (tracestate `rv`, else the trace id's low 56 bits). */
  readonly randomness: bigint;
}

/**
 * A policy's outcome: `null` = not sampled; a threshold ≥ 0 = sampled with that OTEP 235 rejection
 * threshold (0n: a deterministic keep, probability 1); {@link DROP} = veto.
 */
export type Outcome = bigint | null;
/** The veto outcome of a `drop` policy. */
export const DROP = -1n;

/** Attribute `key` of a list, or undefined. */
export function attrOf(attrs: readonly KeyValue[], key: string): AnyValue | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.key === key) return attrs[i]!.value;
  return undefined;
}

/** Attribute `key` of span `i`, else of its resource. */
export function spanOrResourceAttr(t: TraceView, i: number, key: string): AnyValue | undefined {
  const v = attrOf(t.spans[i]!.attributes, key);
  return v !== undefined ? v : attrOf(t.resourceOf(i), key);
}

/** Whether some span (or its resource) has `key` with a value satisfying `test`. */
export function anySpanAttr(t: TraceView, key: string, test: (v: AnyValue) => boolean): boolean {
  for (let i = 0; i < t.spans.length; i++) {
    const v = spanOrResourceAttr(t, i, key);
    if (v !== undefined && test(v)) return true;
  }
  return false;
}

/** Whether a span is a root (no parent span id, or an all-zero one). */
export function isRoot(span: Span): boolean {
  const p = span.parentSpanId;
  for (let i = 0; i < p.length; i++) if (p[i] !== 0) return false;
  return true;
}

/** Trace duration in ms: latest end − earliest start. */
export function durationMs(t: TraceView): number {
  let min = t.spans[0]!.startTimeUnixNano;
  let max = t.spans[0]!.endTimeUnixNano;
  for (const s of t.spans) {
    if (s.startTimeUnixNano < min) min = s.startTimeUnixNano;
    if (s.endTimeUnixNano > max) max = s.endTimeUnixNano;
  }
  return max > min ? Number(max - min) / 1e6 : 0;
}

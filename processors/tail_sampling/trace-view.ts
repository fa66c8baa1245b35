// What a policy sees of a buffered trace: the few facts recorded as its spans were buffered
// (span count, time span, which span tests some span passed, key fields), and its OTEP 235
// randomness. Policies never read the spans themselves, so a dropped trace is never decoded.
import type { AnyValue, KeyValue, Span } from '../../agent/pdata/model.js';

/** A buffered trace as policies read it. */
export interface TraceView {
  /** Spans buffered. */
  readonly count: number;
  /** Earliest span start and latest span end (ns since the epoch). */
  readonly minStartNs: bigint;
  readonly maxEndNs: bigint;
  /** The trace's 56-bit randomness (tracestate `rv`, else the trace id's low 56 bits). */
  readonly randomness: bigint;
  /** Whether some span of the trace passed span test `test` (an index from {@link FactSchema.test}). */
  hit(test: number): boolean;
  /** The text of key field `field` (an index from {@link FactSchema.field}): from a root span first, else the first span with it; '' when none has it. */
  fieldText(field: number): string;
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

/** Whether a span is a root (no parent span id, or an all-zero one). */
export function isRoot(span: Span): boolean {
  const p = span.parentSpanId;
  for (let i = 0; i < p.length; i++) if (p[i] !== 0) return false;
  return true;
}

/** Trace duration in ms: latest end − earliest start. */
export function durationMs(t: TraceView): number {
  return t.maxEndNs > t.minStartNs ? Number(t.maxEndNs - t.minStartNs) / 1e6 : 0;
}

// The facts tail-sampling policies decide on, recorded span by span while spans are buffered (from
// the decoded spans the processor receives anyway): span count, earliest start and latest end,
// which span tests some span passed, and the values of key fields. Deciding a trace then needs no
// decoding; only kept traces are decoded, to be handed on.
import type { KeyValue, Span } from '../../agent/pdata/model.js';
import { valueText } from '../../agent/metric-registry/labels.js';
import { attrOf, type TraceView } from './trace-view.js';

/** A test of one span with its resource's attributes; a trace hits it when any of its spans passes. */
export type SpanTest = (span: Span, resource: readonly KeyValue[]) => boolean;

/** The recorded facts of one trace (the base of a buffered trace). */
export class TraceFacts implements Pick<TraceView, 'count' | 'minStartNs' | 'maxEndNs' | 'hit' | 'fieldText'> {
  count = 0;
  minStartNs = 0n;
  maxEndNs = 0n;
  /** Bit i: some span passed test i (tests 0–30). */
  hits = 0;
  /** Further words of hit bits, for tests 31 and up (31 per word). */
  hitsMore: number[] | undefined;
  /** Per key field i: [i] its text from the latest root span with it, [n + i] from the first other span with it. */
  fields: Array<string | undefined> | undefined;

  hit(test: number): boolean {
    if (test < 31) return (this.hits & (1 << test)) !== 0;
    const w = this.hitsMore?.[((test / 31) | 0) - 1];
    return w !== undefined && (w & (1 << (test % 31))) !== 0;
  }

  fieldText(field: number): string {
    const f = this.fields;
    if (!f) return '';
    return f[field] ?? f[(f.length >> 1) + field] ?? '';
  }

  /** Marks test `test` as hit. */
  setHit(test: number): void {
    if (test < 31) { this.hits |= 1 << test; return; }
    const more = (this.hitsMore ??= []);
    const w = ((test / 31) | 0) - 1;
    more[w] = (more[w] ?? 0) | (1 << (test % 31));
  }
}

/** What is recorded of every span: the span tests and key fields the configured policies read. */
export class FactSchema {
  private readonly tests: SpanTest[] = [];
  private readonly keys: string[] = [];

  /** Registers a span test; returns its index for {@link TraceView.hit}. */
  test(fn: SpanTest): number {
    this.tests.push(fn);
    return this.tests.length - 1;
  }

  /** Registers a key field (a span attribute, else its resource's); returns its index for {@link TraceView.fieldText}. */
  field(key: string): number {
    const i = this.keys.indexOf(key);
    if (i >= 0) return i;
    this.keys.push(key);
    return this.keys.length - 1;
  }

  /** Records span `span` (a root or not) of the trace `f`, under a resource with attributes `resource`. */
  record(f: TraceFacts, span: Span, resource: readonly KeyValue[], root: boolean): void {
    const start = span.startTimeUnixNano;
    const end = span.endTimeUnixNano;
    if (f.count++ === 0) { f.minStartNs = start; f.maxEndNs = end; } else {
      if (start < f.minStartNs) f.minStartNs = start;
      if (end > f.maxEndNs) f.maxEndNs = end;
    }
    const tests = this.tests;
    for (let i = 0; i < tests.length; i++) {
      if (i < 31 ? (f.hits & (1 << i)) === 0 : !f.hit(i)) {
        if (tests[i]!(span, resource)) f.setHit(i);
      }
    }
    const keys = this.keys;
    const n = keys.length;
    if (n === 0) return;
    const vals = (f.fields ??= new Array<string | undefined>(2 * n));
    for (let i = 0; i < n; i++) {
      if (!root && vals[n + i] !== undefined) continue;
      const v = attrOf(span.attributes, keys[i]!) ?? attrOf(resource, keys[i]!);
      if (v === undefined) continue;
      vals[root ? i : n + i] = valueText(v);
    }
  }
}

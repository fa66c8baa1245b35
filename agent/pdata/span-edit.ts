// Spans decoded from protobuf remember their received encoding, so encoders can write those bytes
// again instead of encoding the span field by field (tail sampling holds spans encoded; exporters
// send them). The encoding stays valid for appended attributes and a new trace state (a later field
// wins in protobuf, and a repeated field's entries add up); any other change must drop it.
import type { KeyValue, Span, SpanStatus, SpanEvent, SpanLink } from './model.js';
import type { ProtoWriter } from './proto-writer.js';
import { writeKeyValues } from './proto-encode-common.js';
import { LazySpan } from './lazy-span.js';

const EMPTY = new Uint8Array(0);

/**
 * A span decoded from protobuf. Its received encoding sits in private fields: invisible to
 * `Object.keys`, JSON, `structuredClone`, spreads and test equality, so a copy of a span is always
 * encoded anew.
 */
export class DecodedSpan implements Span {
  traceId: Uint8Array = EMPTY;
  spanId: Uint8Array = EMPTY;
  traceState = '';
  parentSpanId: Uint8Array = EMPTY;
  flags = 0;
  name = '';
  kind = 0;
  startTimeUnixNano = 0n;
  endTimeUnixNano = 0n;
  attributes: KeyValue[] = [];
  droppedAttributesCount = 0;
  events: SpanEvent[] = [];
  droppedEventsCount = 0;
  links: SpanLink[] = [];
  droppedLinksCount = 0;
  status: SpanStatus = { message: '', code: 0 };
  #raw: Uint8Array | undefined = undefined;
  #start = 0;
  #end = 0;
  #attrs = 0;
  #traceState = '';

  /** Records that the span, as decoded now, is bytes `start`–`end` of `buf` (call once its fields are read). */
  static remember(s: DecodedSpan, buf: Uint8Array, start: number, end: number): void {
    s.#raw = buf;
    s.#start = start;
    s.#end = end;
    s.#attrs = s.attributes.length;
    s.#traceState = s.traceState;
  }

  /** Drops the received encoding of `s` (any span; only a DecodedSpan has one). */
  static forget(s: Span): void {
    if (#raw in s) (s as DecodedSpan).#raw = undefined;
  }

  /** The number of attributes the received encoding holds, or -1 when `s` has none. */
  static rawAttributes(s: Span): number {
    return #raw in s && (s as DecodedSpan).#raw !== undefined ? (s as DecodedSpan).#attrs : -1;
  }

  /**
   * `s` when it is a DecodedSpan whose received encoding still holds (its received attributes all
   * there: only appended to since), else undefined.
   */
  static #withEncoding(s: Span): DecodedSpan | undefined {
    if (!(#raw in s)) return undefined;
    const d = s as DecodedSpan;
    return d.#raw === undefined || d.attributes.length < d.#attrs ? undefined : d;
  }

  /**
   * `s` as a LazySpan over its received encoding, carrying the attributes appended since and a
   * changed trace state — what {@link writeFields} would write — or `s` itself when it has no usable
   * encoding. For holding spans a while: the decoded fields become garbage at once, young.
   */
  static compact(s: Span): Span {
    const d = DecodedSpan.#withEncoding(s);
    if (d === undefined) return s;
    return LazySpan.over(d.#raw!, d.#start, d.#end,
      d.attributes.length > d.#attrs ? d.attributes.slice(d.#attrs) : undefined,
      d.traceState !== d.#traceState ? d.traceState : undefined);
  }

  /**
   * Writes the fields of `s` (no tag, no length) from its received encoding plus the attributes
   * appended since and a changed trace state; false, having written nothing, when it has no usable one.
   */
  static writeFields(w: ProtoWriter, s: Span): boolean {
    const d = DecodedSpan.#withEncoding(s);
    if (d === undefined) return false;
    w.raw(d.#raw!, d.#start, d.#end);
    if (d.attributes.length > d.#attrs) writeKeyValues(w, 0x4a, d.attributes, d.#attrs);
    if (d.traceState !== d.#traceState) { w.uint32(0x1a); w.string(d.traceState); }
    return true;
  }
}

/**
 * Drops a span's received encoding, so encoders write it field by field: call it after any change
 * to a span other than appending attributes or setting its trace state.
 */
export function forgetRaw(span: Span): void {
  if (!LazySpan.isPending(span)) DecodedSpan.forget(LazySpan.load(span));
}

/**
 * Sets attribute `key` of a span: replaces the first one of that key (dropping the span's received
 * encoding) or appends one. A pending LazySpan takes an `outrider.*` key without being decoded.
 */
export function setSpanAttribute(span: Span, key: string, value: KeyValue['value']): void {
  if (LazySpan.appendNew(span, key, value)) return;
  const target = LazySpan.load(span);
  const attrs = target.attributes;
  for (let i = 0; i < attrs.length; i++) {
    if (attrs[i]!.key === key) {
      attrs[i] = { key, value };
      if (i < DecodedSpan.rawAttributes(target)) DecodedSpan.forget(target);
      return;
    }
  }
  attrs.push({ key, value });
}

/** The trace state of a span (a pending LazySpan is not decoded for it). */
export function traceStateOf(span: Span): string {
  return LazySpan.traceStateOf(span);
}

/** Sets the trace state of a span (a pending LazySpan is not decoded for it). */
export function setTraceState(span: Span, traceState: string): void {
  LazySpan.setTraceState(span, traceState);
}

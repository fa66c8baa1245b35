// A span held encoded and decoded only if something reads it. The tail sampler hands kept traces on
// as LazySpans: a batch processor and a protobuf exporter move and write them without decoding
// (bytes as received plus the sampling decision), so kept spans cost neither a decode nor the
// garbage of a decoded span while they wait in a batch. Reading or writing any field decodes the
// span once; from then on it behaves as the DecodedSpan it holds.
import type { KeyValue, Span, SpanEvent, SpanLink, SpanStatus } from './model.js';
import { writeKeyValues } from './proto-encode-common.js';
import { decodeSpanAt } from './proto-decode.js';
import { ProtoReader } from './proto-reader.js';
import type { ProtoWriter } from './proto-writer.js';
import { DecodedSpan } from './span-edit.js';

/** Keys LazySpan sets without decoding: those the agent's own samplers add (`outrider.*`). */
const OWN_PREFIX = 'outrider.';

/**
 * A span held as its protobuf bytes (`start`–`end` of `buf`). Its fields are accessors that decode
 * it on first use. Not an own-property object until then: compare, copy and serialise it through
 * {@link LazySpan.load} (agent code reads fields; `toJSON` decodes).
 */
export class LazySpan implements Span {
  declare traceId: Uint8Array;
  declare spanId: Uint8Array;
  declare traceState: string;
  declare parentSpanId: Uint8Array;
  declare flags: number;
  declare name: string;
  declare kind: number;
  declare startTimeUnixNano: bigint;
  declare endTimeUnixNano: bigint;
  declare attributes: KeyValue[];
  declare droppedAttributesCount: number;
  declare events: SpanEvent[];
  declare droppedEventsCount: number;
  declare links: SpanLink[];
  declare droppedLinksCount: number;
  declare status: SpanStatus;

  readonly #buf: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  #span: DecodedSpan | undefined = undefined;
  /** Attributes added before decoding (keys `outrider.*` not in the bytes). */
  #appended: KeyValue[] | undefined = undefined;
  /** A trace state set before decoding. */
  #traceState: string | undefined = undefined;
  /** The bytes' own trace state and `outrider.*` attribute keys, once scanned. */
  #scanned: { traceState: string; ownKeys: string[] } | undefined = undefined;

  constructor(buf: Uint8Array, start: number, end: number) {
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
  }

  /**
   * A LazySpan over bytes `start`–`end` of `buf` with attributes already appended to them and a
   * trace state set since (see DecodedSpan.compact).
   */
  static over(buf: Uint8Array, start: number, end: number, appended: KeyValue[] | undefined, traceState: string | undefined): LazySpan {
    const l = new LazySpan(buf, start, end);
    l.#appended = appended;
    l.#traceState = traceState;
    return l;
  }

  /** The decoded span behind `s` (decoding it now if needed), or `s` itself when it is not lazy. */
  static load(s: Span): Span {
    if (!(#buf in s)) return s;
    const l = s as LazySpan;
    let d = l.#span;
    if (d === undefined) {
      d = decodeSpanAt(l.#buf, l.#start, l.#end);
      if (l.#appended) for (const kv of l.#appended) d.attributes.push(kv);
      if (l.#traceState !== undefined) d.traceState = l.#traceState;
      l.#span = d;
      l.#appended = undefined;
      l.#scanned = undefined;
    }
    return d;
  }

  /** Whether `s` is a LazySpan not decoded yet. */
  static isPending(s: Span): boolean {
    return #buf in s && (s as LazySpan).#span === undefined;
  }

  /** The trace state of `s`, without decoding a pending LazySpan. */
  static traceStateOf(s: Span): string {
    if (!LazySpan.isPending(s)) return s.traceState;
    const l = s as LazySpan;
    return l.#traceState ?? l.#scan().traceState;
  }

  /** Sets the trace state of `s`, without decoding a pending LazySpan. */
  static setTraceState(s: Span, traceState: string): void {
    if (LazySpan.isPending(s)) (s as LazySpan).#traceState = traceState;
    else s.traceState = traceState;
  }

  /**
   * Appends attribute `key` to a pending LazySpan when it can without decoding (an `outrider.*` key
   * that neither its bytes nor earlier additions hold); false when the caller must set it on the
   * decoded span instead.
   */
  static appendNew(s: Span, key: string, value: KeyValue['value']): boolean {
    if (!LazySpan.isPending(s) || !key.startsWith(OWN_PREFIX)) return false;
    const l = s as LazySpan;
    if (l.#scan().ownKeys.includes(key) || l.#appended?.some((kv) => kv.key === key)) return false;
    (l.#appended ??= []).push({ key, value });
    return true;
  }

  /**
   * Writes the fields of `s` (no tag, no length) when it is a LazySpan: a pending one as its bytes
   * plus what was set since, a decoded one as its DecodedSpan writes itself. False, having written
   * nothing, when `s` must be encoded field by field.
   */
  static writeFields(w: ProtoWriter, s: Span): boolean {
    if (!(#buf in s)) return false;
    const l = s as LazySpan;
    if (l.#span !== undefined) return DecodedSpan.writeFields(w, l.#span);
    w.raw(l.#buf, l.#start, l.#end);
    if (l.#appended) writeKeyValues(w, 0x4a, l.#appended);
    if (l.#traceState !== undefined && l.#traceState !== l.#scan().traceState) { w.uint32(0x1a); w.string(l.#traceState); }
    return true;
  }

  /** JSON of the decoded span. */
  toJSON(): Span {
    return LazySpan.load(this);
  }

  #scan(): { traceState: string; ownKeys: string[] } {
    if (this.#scanned) return this.#scanned;
    const r = new ProtoReader(this.#buf);
    r.pos = this.#start;
    r.end = this.#end;
    r.msg = 'Span';
    let traceState = '';
    const ownKeys: string[] = [];
    while (r.pos < r.end) {
      const t = r.tag();
      if (t === 0x1a) { traceState = r.string(); continue; }
      if (t !== 0x4a) { r.skip(t); continue; }
      const outer = r.enter();
      while (r.pos < r.end) {
        const kt = r.tag();
        if (kt !== 0x0a) { r.skip(kt); continue; }
        const key = r.string();
        if (key.startsWith(OWN_PREFIX)) ownKeys.push(key);
      }
      r.leave(outer);
    }
    this.#scanned = { traceState, ownKeys };
    return this.#scanned;
  }
}

// Every Span field is an accessor of the decoded span.
for (const field of ['traceId', 'spanId', 'traceState', 'parentSpanId', 'flags', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano',
  'attributes', 'droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'status'] as const) {
  Object.defineProperty(LazySpan.prototype, field, {
    get(this: LazySpan) { return LazySpan.load(this)[field]; },
    set(this: LazySpan, v: never) { (LazySpan.load(this) as unknown as Record<string, unknown>)[field] = v; },
    enumerable: true,
    configurable: false,
  });
}

/**
 * The spans of `blob`, a TracesData of one ResourceSpans with one ScopeSpans (as the tail sampler
 * holds them), as LazySpans over `blob`.
 * @throws OutriderError INVALID_DATA when `blob` is not such a message
 */
export function lazySpansOf(blob: Uint8Array, into: Span[]): void {
  const r = new ProtoReader(blob);
  r.msg = 'TracesData';
  while (r.pos < r.end) {
    const t = r.tag();
    if (t !== 0x0a) { r.skip(t); continue; }
    const outerRs = r.enter();
    while (r.pos < r.end) {
      const ts = r.tag();
      if (ts !== 0x12) { r.skip(ts); continue; }
      const outerSs = r.enter();
      while (r.pos < r.end) {
        const tsp = r.tag();
        if (tsp !== 0x12) { r.skip(tsp); continue; }
        const end = r.len();
        into.push(new LazySpan(r.buf, r.pos, end));
        r.pos = end;
      }
      r.leave(outerSs);
    }
    r.leave(outerRs);
  }
}

/**
 * A copy of a batch for a consumer that changes it: LazySpans are decoded first (a structured clone
 * copies own properties only), then the batch is cloned.
 */
export function cloneData<T>(data: T): T {
  const rss = (data as { resourceSpans?: { scopeSpans: { spans: Span[] }[] }[] }).resourceSpans;
  if (rss) for (const rs of rss) for (const ss of rs.scopeSpans) for (let i = 0; i < ss.spans.length; i++) ss.spans[i] = LazySpan.load(ss.spans[i]!);
  return structuredClone(data);
}

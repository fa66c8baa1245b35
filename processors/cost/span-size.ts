// A cheap estimate of a span's OTLP protobuf size, for the ingest cost: field by field, with
// string lengths taken as their UTF-16 length (exact for ASCII). No encoding is done.
import type { AnyValue, KeyValue, Span } from '../../agent/pdata/model.js';

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Size of a length-delimited field: tag + length + payload. */
function field(len: number): number {
  return 1 + varintSize(len) + len;
}

function bigVarintSize(v: bigint): number {
  if (v < 0n) return 10;
  // below 2^53 the Number path allocates no BigInts
  let x = v <= 9007199254740991n ? Number(v) : 2 ** 63;
  let n = 1;
  while (x >= 128) { x = Math.floor(x / 128); n++; }
  return n;
}

function valueSize(v: AnyValue): number {
  switch (typeof v) {
    case 'string': return field(v.length);
    case 'boolean': return 2;
    case 'number': return 9;
    case 'bigint': return 1 + bigVarintSize(v);
    default:
      if (v === null) return 0;
      if (v instanceof Uint8Array) return field(v.length);
      if (Array.isArray(v)) { let n = 0; for (const x of v) n += field(valueSize(x)); return field(n); }
      return field(attributesSize(v.kvlistValue));
  }
}

/** Bytes of a repeated KeyValue field. */
export function attributesSize(attrs: readonly KeyValue[]): number {
  let n = 0;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    n += field(field(a.key.length) + field(valueSize(a.value)));
  }
  return n;
}

/** Estimated encoded bytes of one span inside its ScopeSpans (tag and length included). */
export function spanSize(s: Span): number {
  let n = field(s.traceId.length) + field(s.spanId.length) + 6 /* flags: field 16, a 2-byte tag */ + 2 /* kind */ + 18 /* times */ + field(s.name.length);
  if (s.traceState) n += field(s.traceState.length);
  if (s.parentSpanId.length) n += field(s.parentSpanId.length);
  n += attributesSize(s.attributes);
  for (const e of s.events) n += field(9 + field(e.name.length) + attributesSize(e.attributes));
  for (const l of s.links) n += field(field(l.traceId.length) + field(l.spanId.length) + (l.traceState ? field(l.traceState.length) : 0) + attributesSize(l.attributes));
  if (s.status.code || s.status.message) n += field((s.status.code ? 2 : 0) + (s.status.message ? field(s.status.message.length) : 0));
  return field(n);
}

// Low-level protobuf wire-format reader over a Uint8Array, bounds-checked, throwing INVALID_DATA.
import { errors, type OutriderError } from '../errors.js';
import { WIRE_NAMES, type FieldTable } from './proto-fields.js';

/** Protobuf wire types. Groups (3, 4) are obsolete and rejected. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

const EMPTY = new Uint8Array(0);
const TWO_32 = 4294967296;
/** Longest string (bytes) and slots of the cache of short ASCII strings, shared by every reader. */
const MAX_CACHED = 40;
const CACHE_BITS = 12;
const CACHE_SIZE = 1 << CACHE_BITS;
/**
 * Short ASCII strings decoded lately, by a hash of a few of their bytes (one thread: no locking).
 * Shared across readers, so the keys and values that every request repeats are decoded once and
 * shared, not allocated again per request.
 */
const STRINGS: (string | undefined)[] = new Array<string | undefined>(CACHE_SIZE).fill(undefined);

/**
 * A cursor over one protobuf message buffer. Every read is checked against {@link end}, the end of
 * the message being decoded (a decoder narrows it with {@link enter} and widens it with {@link leave}),
 * so a field can never run past its enclosing message. Problems throw `errors.invalidData` with the
 * field number, offset and message name (kept in {@link field} and {@link msg} by the decoders).
 */
export class ProtoReader {
  /** The whole input. */
  readonly buf: Uint8Array;
  /** Current offset into {@link buf}. */
  pos = 0;
  /** End (exclusive) of the message being decoded. */
  end: number;
  /** Field number of the last tag read, for error messages. */
  field = 0;
  /** Name of the message being decoded, for error messages. */
  msg = 'message';
  /** Nesting depth of recursive messages (AnyValue), bounded by the decoders. */
  depth = 0;
  /**
   * Strings read whose UTF-8 was invalid (or held U+FFFD): their text differs from their bytes, so
   * the message holding them must not be passed on as received.
   */
  lossy = 0;
  private readonly view: DataView;
  private readonly text: Buffer;

  constructor(input: Uint8Array) {
    // A plain Uint8Array view, so that slice() copies (Buffer#slice would return a view of the input).
    const buf = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.buf = buf;
    this.end = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** An INVALID_DATA error naming the problem, offset and message being decoded. */
  fail(problem: string, at = this.pos): OutriderError {
    return errors.invalidData(`invalid protobuf: ${problem} at offset ${at} of ${this.msg}`);
  }

  /** Like {@link fail}, naming the field of the last tag read: "truncated varint field 3 at offset …". */
  failField(problem: string, at = this.pos): OutriderError {
    return this.fail(`${problem} field ${this.field}`, at);
  }

  /** Reads a tag; returns `(field << 3) | wireType` and records the field number. */
  tag(): number {
    const buf = this.buf;
    const p = this.pos;
    if (p < this.end) {
      const b = buf[p];
      if (b < 0x80) {
        this.pos = p + 1;
        this.field = b >>> 3;
        if (b < 8) throw this.fail('invalid tag (field number 0)', p);
        return b;
      }
    }
    const start = this.pos;
    const t = this.uint32();
    this.field = t >>> 3;
    if (this.field === 0) throw this.fail('invalid tag (field number 0)', start);
    return t;
  }

  /** A varint as an unsigned 32-bit number (higher bits are dropped, as protobuf does for uint32). */
  uint32(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    if (p + 10 <= end) {
      // Fast path: enough bytes for the longest varint, no per-byte bounds checks.
      let b = buf[p++];
      let v = b & 0x7f;
      if (b < 0x80) { this.pos = p; return v; }
      b = buf[p++]; v |= (b & 0x7f) << 7;
      if (b < 0x80) { this.pos = p; return v; }
      b = buf[p++]; v |= (b & 0x7f) << 14;
      if (b < 0x80) { this.pos = p; return v; }
      b = buf[p++]; v |= (b & 0x7f) << 21;
      if (b < 0x80) { this.pos = p; return v; }
      b = buf[p++]; v = (v | ((b & 0x0f) << 28)) >>> 0;
      if (b < 0x80) { this.pos = p; return v; }
      for (let i = 0; i < 5; i++) if (buf[p++] < 0x80) { this.pos = p; return v; }
      throw this.fail(`varint longer than 10 bytes in field ${this.field}`, this.pos);
    }
    return Number(BigInt.asUintN(32, this.varint64Slow()));
  }

  /** A varint as a signed 32-bit number (int32 and enum fields). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A zigzag varint (sint32). */
  sint32(): number {
    const v = this.uint32();
    return (v >>> 1) ^ -(v & 1);
  }

  /** A varint as a bool. */
  bool(): boolean {
    const p = this.pos;
    if (p < this.end && this.buf[p] < 0x80) { this.pos = p + 1; return this.buf[p] !== 0; }
    return this.varint64() !== 0n;
  }

  /** A varint as an unsigned 64-bit bigint. */
  varint64(): bigint {
    const buf = this.buf;
    let p = this.pos;
    if (p + 10 <= this.end) {
      // Up to 4 bytes (28 bits) as a small integer, the common case for int values.
      let v = 0;
      for (let shift = 0; shift < 28; shift += 7) {
        const b = buf[p++];
        v |= (b & 0x7f) << shift;
        if (b < 0x80) { this.pos = p; return BigInt(v); }
      }
    }
    return this.varint64Slow();
  }

  private varint64Slow(): bigint {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) throw this.failField('truncated varint', start);
      const b = buf[p++];
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) { lo |= bits << 28; hi = bits >>> 4; }
      else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        this.pos = p;
        if (hi === 0) return BigInt(lo >>> 0);
        return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      }
    }
    throw this.fail(`varint longer than 10 bytes in field ${this.field}`, start);
  }

  /** A varint as a signed 64-bit bigint (int64). */
  int64(): bigint {
    const v = this.varint64();
    return v < 0x8000000000000000n ? v : BigInt.asIntN(64, v);
  }

  /** A varint as a number, exact below 2^53 (uint64 counts). */
  uint64Number(): number {
    const p = this.pos;
    if (p < this.end && this.buf[p] < 0x80) { this.pos = p + 1; return this.buf[p]; }
    return Number(this.varint64());
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw this.failField(`truncated ${n === 4 ? 'fixed32' : 'fixed64'}`, p);
    this.pos = p + n;
    return p;
  }

  /** A little-endian fixed32 as an unsigned number. */
  fixed32(): number {
    const p = this.need(4);
    return this.view.getUint32(p, true);
  }

  /** A little-endian fixed64 as an unsigned bigint. */
  fixed64(): bigint {
    const p = this.need(8);
    return this.view.getBigUint64(p, true);
  }

  /** A little-endian sfixed64 as a signed bigint. */
  sfixed64(): bigint {
    const p = this.need(8);
    return this.view.getBigInt64(p, true);
  }

  /** A little-endian fixed64 as a number, exact below 2^53 (counts). */
  fixed64Number(): number {
    const p = this.need(8);
    return this.view.getUint32(p, true) + this.view.getUint32(p + 4, true) * TWO_32;
  }

  /** A little-endian IEEE 754 double. */
  double(): number {
    const p = this.need(8);
    return this.view.getFloat64(p, true);
  }

  /** Reads a length prefix and checks the payload fits; returns the payload's end offset. */
  len(): number {
    const start = this.pos;
    const n = this.uint32();
    const e = this.pos + n;
    if (n > 0x7fffffff || e > this.end) throw this.failField('truncated length-delimited', start);
    return e;
  }

  /** Narrows the reader to a length-delimited payload; returns the outer end to pass to {@link leave}. */
  enter(): number {
    const e = this.len();
    const outer = this.end;
    this.end = e;
    return outer;
  }

  /** Restores the outer end after a nested message was read to its end. */
  leave(outer: number): void {
    this.end = outer;
  }

  /** A bytes field, copied out of the input. */
  bytes(): Uint8Array {
    const e = this.len();
    const p = this.pos;
    this.pos = e;
    return e === p ? EMPTY : this.buf.slice(p, e);
  }

  /** An id bytes field that must be empty or exactly `size` bytes (16 for trace ids, 8 for span ids). */
  id(size: number): Uint8Array {
    const start = this.pos;
    const b = this.bytes();
    if (b.length !== 0 && b.length !== size) throw this.fail(`id of ${b.length} bytes (expected 0 or ${size}) in field ${this.field}`, start);
    return b;
  }

  /**
   * A string field, UTF-8 decoded leniently (invalid sequences become U+FFFD). Short ASCII strings
   * (attribute keys, enum-like values) go through a small cache shared by all readers: OTLP repeats them in every
   * span, and a hit costs a JS byte compare instead of a native call and a new string.
   */
  string(): string {
    const e = this.len();
    const p = this.pos;
    this.pos = e;
    const n = e - p;
    if (n === 0) return '';
    if (n > MAX_CACHED) return this.utf8(p, e);
    const buf = this.buf;
    // Hash a few sampled bytes; a full compare against the cached (ASCII) string confirms a hit.
    const h = Math.imul(n ^ (buf[p] << 8) ^ (buf[e - 1] << 16) ^ (buf[p + (n >>> 1)] << 24) ^ buf[e - 2 + (n === 1 ? 1 : 0)], 0x9e3779b1);
    const slot = h >>> (32 - CACHE_BITS);
    const cached = STRINGS[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === buf[p + i]) i++;
      if (i === n) return cached;
    }
    for (let i = p; i < e; i++) if (buf[i] >= 0x80) return this.utf8(p, e);
    const str = this.text.toString('latin1', p, e);
    STRINGS[slot] = str;
    return str;
  }

  /** Bytes `p`–`e` as UTF-8 text; counts in {@link lossy} a text holding U+FFFD (invalid input, or that character itself). */
  private utf8(p: number, e: number): string {
    const s = this.text.toString('utf8', p, e);
    if (s.includes('\uFFFD')) this.lossy++;
    return s;
  }

  /**
   * Skips a field the decoder did not take (the tag was just read): an unknown field, or a known one
   * the decoder does not keep. A known field with another wire type than its own is malformed.
   */
  skipOther(tag: number, fields: FieldTable): void {
    const f = tag >>> 3;
    const wt = tag & 7;
    const expected = f < fields.wire.length ? fields.wire[f] - 1 : -1;
    if (expected >= 0 && expected !== wt && (wt <= WireType.LEN || wt === WireType.I32)) {
      const tagStart = this.pos - (tag < 0x80 ? 1 : tag < 0x4000 ? 2 : tag < 0x200000 ? 3 : tag < 0x10000000 ? 4 : 5);
      throw this.fail(`field ${f} (${fields.names[f]}) with wire type ${wt} (${WIRE_NAMES[wt]}), expected ${expected} (${WIRE_NAMES[expected]})`, tagStart);
    }
    this.skip(tag);
  }

  /** Skips the payload of a field whose tag was just read. */
  skip(tag: number): void {
    switch (tag & 7) {
      case WireType.VARINT: {
        const start = this.pos;
        for (let i = 0; i < 10; i++) {
          if (this.pos >= this.end) throw this.failField('truncated varint', start);
          if (this.buf[this.pos++] < 0x80) return;
        }
        throw this.fail(`varint longer than 10 bytes in field ${this.field}`, start);
      }
      case WireType.I64: this.need(8); return;
      case WireType.LEN: this.pos = this.len(); return;
      case WireType.I32: this.need(4); return;
      case WireType.SGROUP:
      case WireType.EGROUP: throw this.fail(`unsupported group wire type in field ${this.field}`, this.pos);
      default: throw this.fail(`invalid wire type ${tag & 7} in field ${this.field}`, this.pos);
    }
  }
}

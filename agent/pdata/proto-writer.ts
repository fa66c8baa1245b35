// Low-level protobuf wire-format writer into a growable Uint8Array, with back-patched length prefixes.

const TWO_32 = 4294967296;

/**
 * A Uint8Array of `n` bytes not zeroed first (a writer fills every byte up to its position before
 * anything reads them): encoding a batch of megabytes no longer starts by clearing them. A plain
 * Uint8Array, so `slice` copies (a Buffer's would not).
 */
function uninitialized(n: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
}

/** Bytes a varint of the non-negative 32-bit value `v` takes. */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/**
 * A protobuf writer. Nested messages are written in place: {@link fork} reserves room for the
 * length prefix (a hint, 1 byte by default) and {@link ldelim} fills it in, moving the payload
 * when the length needs a different number of bytes. The buffer doubles when full.
 */
export class ProtoWriter {
  /** The output buffer; valid up to {@link pos}. */
  buf: Uint8Array;
  /** Bytes written so far. */
  pos = 0;
  private view: DataView;
  private readonly encoder = new TextEncoder();

  /** @param initialSize first buffer size in bytes (default 16 KiB) */
  constructor(initialSize = 16384) {
    this.buf = uninitialized(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = uninitialized(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** An unsigned 32-bit varint (also used for tags). */
  uint32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    v >>>= 0;
    while (v >= 0x80) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p++] = v;
    this.pos = p;
  }

  /** A signed 32-bit varint (int32, enums): negative values take 10 bytes. */
  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.varint64Parts(v >>> 0, 0xffffffff);
  }

  /** A zigzag varint (sint32). */
  sint32(v: number): void {
    this.uint32(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** A non-negative integer number (below 2^64) as a varint (uint64). */
  uint64Number(v: number): void {
    if (v < TWO_32) this.uint32(v);
    else this.varint64Parts(v % TWO_32, Math.floor(v / TWO_32));
  }

  /** A signed 64-bit bigint as a varint (int64). */
  int64(v: bigint): void {
    if (v >= 0n && v < 0x80000000n) { this.uint32(Number(v)); return; }
    const u = BigInt.asUintN(64, v);
    this.varint64Parts(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  private varint64Parts(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    lo >>>= 0;
    hi >>>= 0;
    while (hi !== 0 || lo >= 0x80) {
      buf[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[p++] = lo;
    this.pos = p;
  }

  /** A little-endian fixed32. */
  fixed32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  /** A little-endian fixed64 from a bigint (taken modulo 2^64). */
  fixed64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
  }

  /** A little-endian sfixed64 from a signed bigint. */
  sfixed64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }

  /** A little-endian fixed64 from a non-negative integer number (counts). */
  fixed64Number(v: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, v % TWO_32, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / TWO_32), true);
    this.pos += 8;
  }

  /** A little-endian IEEE 754 double. */
  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** A length-prefixed byte string. */
  bytes(b: Uint8Array): void {
    this.uint32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Bytes `start`–`end` of `src` as they are (an already encoded field or message). */
  raw(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** A length-prefixed UTF-8 string (lone surrogates become U+FFFD). */
  string(s: string): void {
    const n = s.length;
    if (n < 0x80) {
      // Short ASCII fast path: one length byte, one byte per char.
      this.ensure(n + 1);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = p;
        return;
      }
    }
    const reserve = varintSize(n * 3);
    this.ensure(reserve + n * 3);
    const start = this.pos;
    const written = this.encoder.encodeInto(s, this.buf.subarray(start + reserve)).written;
    this.pos = start + reserve + written;
    this.patch(start, reserve, written);
  }

  /** Reserves room for a length prefix (`reserve` bytes expected) and returns the mark for {@link ldelim}. */
  fork(reserve = 1): number {
    this.ensure(reserve);
    const start = this.pos;
    this.pos += reserve;
    return start * 8 + reserve;
  }

  /** Writes the length of everything written since `mark` (from {@link fork}) as its prefix. */
  ldelim(mark: number): void {
    const reserve = mark & 7;
    const start = (mark - reserve) / 8;
    this.patch(start, reserve, this.pos - start - reserve);
  }

  private patch(start: number, reserve: number, len: number): void {
    const need = varintSize(len);
    if (need !== reserve) {
      this.ensure(need);
      this.buf.copyWithin(start + need, start + reserve, this.pos);
      this.pos += need - reserve;
    }
    const buf = this.buf;
    let p = start;
    while (len >= 0x80) {
      buf[p++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    buf[p] = len;
  }

  /** The bytes written, as a view of the internal buffer (copied when it is mostly empty). */
  finish(): Uint8Array {
    return this.pos * 2 < this.buf.length ? this.buf.slice(0, this.pos) : this.buf.subarray(0, this.pos);
  }
}

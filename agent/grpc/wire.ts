// gRPC over HTTP/2, the parts both ends share: message framing, status trailers, timeouts.
import { errors, GrpcCode } from '../errors.js';

/** Compressions the agent reads and writes (the `grpc-encoding` values). */
export const GRPC_ENCODINGS = ['identity', 'gzip', 'deflate'] as const;
export type GrpcEncoding = (typeof GRPC_ENCODINGS)[number];
export const GRPC_ACCEPT_ENCODING = GRPC_ENCODINGS.join(',');

/** The length-prefixed frame of one message: a compressed flag, a 4-byte big-endian length, the bytes. */
export function frameMessage(message: Uint8Array, compressed = false): Buffer {
  const out = writePrefix(Buffer.allocUnsafe(5 + message.byteLength), message.byteLength, compressed);
  out.set(message, 5);
  return out;
}

/** The 5-byte prefix of a message frame, written separately from a body that is not copied. */
export function framePrefix(length: number, compressed = false): Buffer {
  return writePrefix(Buffer.allocUnsafe(5), length, compressed);
}

function writePrefix(out: Buffer, length: number, compressed: boolean): Buffer {
  out[0] = compressed ? 1 : 0;
  out.writeUInt32BE(length, 1);
  return out;
}

/**
 * Collects the one message of a unary call from DATA chunks, copying at most once: `push` throws
 * when the bytes cannot be one message within `maxBytes`; `finish` returns the message when the
 * stream ends, or throws why there is none.
 */
export class UnaryMessageReader {
  private readonly prefix = Buffer.alloc(5);
  private have = 0; // bytes of the frame seen so far, prefix included
  private body: Buffer | undefined;
  private expected = -1;
  /** Whether the message is compressed with the call's `grpc-encoding`. */
  compressed = false;

  constructor(private readonly maxBytes: number) {}

  /** @throws TOO_LARGE past `maxBytes`, INVALID_DATA when the bytes are not one message frame */
  push(chunk: Buffer): void {
    let at = 0;
    if (this.have < 5) {
      at = Math.min(5 - this.have, chunk.length);
      chunk.copy(this.prefix, this.have, 0, at);
      this.have += at;
      if (this.have < 5) return;
      const flag = this.prefix[0]!;
      if (flag > 1) throw errors.invalidData(`invalid gRPC message frame: compressed flag ${flag}`);
      this.compressed = flag === 1;
      this.expected = this.prefix.readUInt32BE(1);
      if (this.expected > this.maxBytes) throw errors.tooLarge(`Received message larger than max (${this.expected} vs. ${this.maxBytes})`);
      // a chunk holding the whole message is used as it is, not copied
      if (at === 5 && chunk.length === 5 + this.expected) {
        this.body = chunk.subarray(5);
        this.have += this.expected;
        return;
      }
      this.body = Buffer.allocUnsafe(this.expected);
    }
    const rest = chunk.length - at;
    if (rest === 0) return;
    const bodyHave = this.have - 5;
    if (bodyHave + rest > this.expected) throw errors.invalidData('more than one request message on a unary call');
    chunk.copy(this.body!, bodyHave, at);
    this.have += rest;
  }

  /** @throws INVALID_DATA when the stream ended before one whole message */
  finish(): Buffer {
    if (this.have === 0) throw errors.invalidData('no request message on a unary call');
    if (this.have < 5 || this.have - 5 < this.expected) {
      throw errors.invalidData(`request ended inside its gRPC message frame (${Math.max(0, this.have - 5)} of ${this.expected < 0 ? 'a 5-byte prefix' : `${this.expected} bytes`})`);
    }
    return this.body!;
  }
}

/**
 * A `grpc-message` value: percent-encoded UTF-8, every byte outside printable ASCII and `%` itself
 * escaped (the gRPC HTTP/2 protocol), so a message survives any header path.
 */
export function encodeGrpcMessage(message: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(message)) return message;
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The text of a `grpc-message` value; malformed escapes are kept as they are. */
export function decodeGrpcMessage(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(value[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A `-bin` header value: base64 without padding (peers accept both). */
export function encodeBinaryHeader(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

const TIMEOUT_UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** A `grpc-timeout` value in ms (`10S`, `250m`, …); undefined when absent or malformed. */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(value);
  return m ? Number(m[1]) * TIMEOUT_UNITS[m[2]!]! : undefined;
}

/** A `grpc-timeout` value for `ms` milliseconds (at most 8 digits, as the protocol allows). */
export function formatGrpcTimeout(ms: number): string {
  const v = Math.max(1, Math.ceil(ms));
  return v < 1e8 ? `${v}m` : `${Math.ceil(v / 1000)}S`;
}

/**
 * The gRPC code a call ends with when the HTTP status is not 200 (the gRPC HTTP/2 protocol's
 * mapping, for responses from proxies and non-gRPC servers).
 */
export function grpcCodeOfHttpStatus(status: number): number {
  switch (status) {
    case 400: return GrpcCode.INTERNAL;
    case 401: return GrpcCode.UNAUTHENTICATED;
    case 403: return GrpcCode.PERMISSION_DENIED;
    case 404: return GrpcCode.UNIMPLEMENTED;
    case 429: case 502: case 503: case 504: return GrpcCode.UNAVAILABLE;
    default: return GrpcCode.UNKNOWN;
  }
}

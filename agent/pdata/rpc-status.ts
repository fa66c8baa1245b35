// Minimal decoding of google.rpc.Status and its RetryInfo detail (grpc-status-details-bin, HTTP error bodies).

/** The parts of a google.rpc.Status an exporter acts on. */
export interface RpcStatus {
  code: number;
  message: string;
  /** google.rpc.RetryInfo.retry_delay in ms, when the status carries one. */
  retryDelayMs: number | undefined;
}

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

/** Protobuf fields of one message: number → list of varint (bigint) or bytes values. */
type Fields = Map<number, Array<bigint | Uint8Array>>;

function readVarint(buf: Uint8Array, pos: { i: number }): bigint {
  let result = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (pos.i >= buf.length) throw new Error('truncated varint');
    const b = buf[pos.i++]!;
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return result;
  }
  throw new Error('varint too long');
}

function readFields(buf: Uint8Array): Fields {
  const fields: Fields = new Map();
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const tag = Number(readVarint(buf, pos));
    const field = tag >>> 3;
    let value: bigint | Uint8Array;
    switch (tag & 7) {
      case 0: value = readVarint(buf, pos); break;
      case 1: pos.i += 8; continue;
      case 5: pos.i += 4; continue;
      case 2: {
        const len = Number(readVarint(buf, pos));
        if (pos.i + len > buf.length) throw new Error('truncated field');
        value = buf.subarray(pos.i, pos.i + len);
        pos.i += len;
        break;
      }
      default: throw new Error(`unsupported wire type ${tag & 7}`);
    }
    const list = fields.get(field);
    if (list) list.push(value); else fields.set(field, [value]);
  }
  if (pos.i > buf.length) throw new Error('truncated field');
  return fields;
}

function first<T extends bigint | Uint8Array>(f: Fields, n: number, kind: 'varint' | 'bytes'): T | undefined {
  const v = f.get(n)?.[0];
  if (v === undefined) return undefined;
  return (kind === 'varint' ? typeof v === 'bigint' : v instanceof Uint8Array) ? (v as T) : undefined;
}

const utf8 = new TextDecoder();

/** Decodes a serialized google.rpc.Status; undefined when the bytes are not one. */
export function decodeRpcStatus(buf: Uint8Array): RpcStatus | undefined {
  try {
    const f = readFields(buf);
    const code = Number(BigInt.asIntN(32, first<bigint>(f, 1, 'varint') ?? 0n));
    const msg = first<Uint8Array>(f, 2, 'bytes');
    let retryDelayMs: number | undefined;
    for (const any of f.get(3) ?? []) {
      if (!(any instanceof Uint8Array)) continue;
      const a = readFields(any);
      const typeUrl = first<Uint8Array>(a, 1, 'bytes');
      if (!typeUrl || utf8.decode(typeUrl) !== RETRY_INFO) continue;
      const delay = first<Uint8Array>(readFields(first<Uint8Array>(a, 2, 'bytes') ?? new Uint8Array()), 1, 'bytes');
      const d = readFields(delay ?? new Uint8Array());
      const seconds = Number(BigInt.asIntN(64, first<bigint>(d, 1, 'varint') ?? 0n));
      const nanos = Number(BigInt.asIntN(32, first<bigint>(d, 2, 'varint') ?? 0n));
      retryDelayMs = Math.max(0, seconds * 1000 + nanos / 1e6);
    }
    return { code, message: msg ? utf8.decode(msg) : '', retryDelayMs };
  } catch {
    return undefined;
  }
}

// ---- encoding, for servers in tests and for symmetry ----

function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
  return out;
}

function lenField(field: number, bytes: Uint8Array): number[] {
  return [...varint(BigInt((field << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes];
}

/** Encodes a google.rpc.Status, with a RetryInfo detail when `retryDelayMs` is given. */
export function encodeRpcStatus(s: { code: number; message: string; retryDelayMs?: number }): Uint8Array {
  const out: number[] = [];
  if (s.code) out.push(...varint(8n), ...varint(BigInt(s.code)));
  if (s.message) out.push(...lenField(2, new TextEncoder().encode(s.message)));
  if (s.retryDelayMs !== undefined) {
    const secs = Math.floor(s.retryDelayMs / 1000);
    const nanos = Math.round((s.retryDelayMs - secs * 1000) * 1e6);
    const duration = [...(secs ? [...varint(8n), ...varint(BigInt(secs))] : []), ...(nanos ? [...varint(16n), ...varint(BigInt(nanos))] : [])];
    const retryInfo = lenField(1, Uint8Array.from(duration));
    const any = [...lenField(1, new TextEncoder().encode(RETRY_INFO)), ...lenField(2, Uint8Array.from(retryInfo))];
    out.push(...lenField(3, Uint8Array.from(any)));
  }
  return Uint8Array.from(out);
}

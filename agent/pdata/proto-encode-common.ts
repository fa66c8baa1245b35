// Protobuf encoding of the OTLP common messages (AnyValue, KeyValue, Resource, scope) from the model.
import type { AnyValue, KeyValue, Resource, Scope } from './model.js';
import type { ProtoWriter } from './proto-writer.js';

/** Writes the fields of an AnyValue message (no length prefix). null writes nothing (empty AnyValue). */
export function writeAnyValue(w: ProtoWriter, v: AnyValue): void {
  switch (typeof v) {
    case 'string': w.uint32(0x0a); w.string(v); return;
    case 'boolean': w.uint32(0x10); w.uint32(v ? 1 : 0); return;
    case 'bigint': w.uint32(0x18); w.int64(v); return;
    case 'number': w.uint32(0x21); w.double(v); return;
    case 'object': {
      if (v === null) return;
      if (v instanceof Uint8Array) { w.uint32(0x3a); w.bytes(v); return; }
      if (Array.isArray(v)) {
        w.uint32(0x2a);
        const m = w.fork();
        for (let i = 0; i < v.length; i++) {
          w.uint32(0x0a);
          const mi = w.fork();
          writeAnyValue(w, v[i]);
          w.ldelim(mi);
        }
        w.ldelim(m);
        return;
      }
      w.uint32(0x32);
      const m = w.fork();
      writeKeyValues(w, 0x0a, v.kvlistValue);
      w.ldelim(m);
      return;
    }
    default: return;
  }
}

/**
 * Writes a KeyValue of a non-empty ASCII key and an ASCII string value, together under 120
 * characters, in one pass: every length fits one byte, so no prefix is reserved and patched.
 * Returns false (having written nothing that counts) at the first non-ASCII character.
 */
function writeShortAsciiKeyValue(w: ProtoWriter, tag: number, key: string, v: string): boolean {
  const kl = key.length;
  const vl = v.length;
  w.ensure(kl + vl + 8);
  const buf = w.buf;
  let p = w.pos;
  buf[p++] = tag; buf[p++] = kl + vl + 6; buf[p++] = 0x0a; buf[p++] = kl;
  for (let j = 0; j < kl; j++) { const c = key.charCodeAt(j); if (c >= 0x80) return false; buf[p++] = c; }
  buf[p++] = 0x12; buf[p++] = vl + 2; buf[p++] = 0x0a; buf[p++] = vl;
  for (let j = 0; j < vl; j++) { const c = v.charCodeAt(j); if (c >= 0x80) return false; buf[p++] = c; }
  w.pos = p;
  return true;
}

/** Writes each KeyValue (from index `from`) as a length-delimited field with tag `tag`; a null value is an empty AnyValue. */
export function writeKeyValues(w: ProtoWriter, tag: number, kvs: readonly KeyValue[], from = 0): void {
  for (let i = from; i < kvs.length; i++) {
    const kv = kvs[i];
    const v = kv.value;
    if (typeof v === 'string' && tag < 0x80 && kv.key.length !== 0 && kv.key.length + v.length < 120 && writeShortAsciiKeyValue(w, tag, kv.key, v)) continue;
    w.uint32(tag);
    const m = w.fork();
    if (kv.key !== '') { w.uint32(0x0a); w.string(kv.key); }
    w.uint32(0x12);
    const mv = w.fork();
    writeAnyValue(w, kv.value);
    w.ldelim(mv);
    w.ldelim(m);
  }
}

/** Writes a string field unless it is empty (proto3 default). */
export function writeStringField(w: ProtoWriter, tag: number, s: string): void {
  if (s !== '') { w.uint32(tag); w.string(s); }
}

/** Writes a bytes field unless it is empty. */
export function writeBytesField(w: ProtoWriter, tag: number, b: Uint8Array): void {
  if (b.length !== 0) { w.uint32(tag); w.bytes(b); }
}

/** Writes a uint32 varint field unless it is 0. */
export function writeUint32Field(w: ProtoWriter, tag: number, v: number): void {
  if (v !== 0) { w.uint32(tag); w.uint32(v); }
}

/** Writes an int32/enum varint field unless it is 0. */
export function writeInt32Field(w: ProtoWriter, tag: number, v: number): void {
  if (v !== 0) { w.uint32(tag); w.int32(v); }
}

/** Writes a fixed64 (time) field unless it is 0. */
export function writeFixed64Field(w: ProtoWriter, tag: number, v: bigint): void {
  if (v !== 0n) { w.uint32(tag); w.fixed64(v); }
}

/** Writes a fixed64 count field (number) unless it is 0. */
export function writeCountField(w: ProtoWriter, tag: number, v: number): void {
  if (v !== 0) { w.uint32(tag); w.fixed64Number(v); }
}

/** Writes a double field unless it is +0 (proto3 default; -0 and NaN are written). */
export function writeDoubleField(w: ProtoWriter, tag: number, v: number): void {
  if (!Object.is(v, 0)) { w.uint32(tag); w.double(v); }
}

/** Writes a Resource as length-delimited field `tag` when present. */
export function writeResource(w: ProtoWriter, tag: number, res: Resource | null): void {
  if (res === null) return;
  w.uint32(tag);
  const m = w.fork(2);
  writeKeyValues(w, 0x0a, res.attributes);
  writeUint32Field(w, 0x10, res.droppedAttributesCount);
  w.ldelim(m);
}

/** Writes an InstrumentationScope as length-delimited field `tag` when present. */
export function writeScope(w: ProtoWriter, tag: number, scope: Scope | null): void {
  if (scope === null) return;
  w.uint32(tag);
  const m = w.fork();
  writeStringField(w, 0x0a, scope.name);
  writeStringField(w, 0x12, scope.version);
  writeKeyValues(w, 0x1a, scope.attributes);
  writeUint32Field(w, 0x20, scope.droppedAttributesCount);
  w.ldelim(m);
}

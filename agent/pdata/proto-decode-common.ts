// Schema-specific protobuf decoding of the OTLP common messages (AnyValue, KeyValue, Resource, scope).
import { errors, OutriderError } from '../errors.js';
import type { AnyValue, KeyValue, KvList, Resource, Scope } from './model.js';
import { ProtoReader } from './proto-reader.js';
import { ANY_VALUE, ARRAY_VALUE, KEY_VALUE_LIST, KEY_VALUE, RESOURCE, SCOPE } from './proto-fields.js';

/** Deepest nesting of array/kvlist AnyValues accepted (protects the stack from hostile input). */
export const MAX_ANY_VALUE_DEPTH = 64;


// Tags are (field << 3) | wire type: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.

/** Decodes one length-delimited AnyValue (the reader is at its length prefix). */
export function decodeAnyValue(r: ProtoReader): AnyValue {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'AnyValue';
  let v: AnyValue = null;
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x0a: v = r.string(); break;
      case 0x10: v = r.bool(); break;
      case 0x18: v = r.int64(); break;
      case 0x21: v = r.double(); break;
      case 0x2a: v = decodeArrayValue(r); break;
      case 0x32: v = { kvlistValue: decodeKeyValueList(r) } satisfies KvList; break;
      case 0x3a: v = r.bytes(); break;
      default: r.skipOther(t, ANY_VALUE);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return v;
}

function decodeArrayValue(r: ProtoReader): AnyValue[] {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'ArrayValue';
  if (++r.depth > MAX_ANY_VALUE_DEPTH) throw r.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH}`);
  const values: AnyValue[] = [];
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x0a) values.push(decodeAnyValue(r));
    else r.skipOther(t, ARRAY_VALUE);
  }
  r.depth--;
  r.msg = prev;
  r.leave(outer);
  return values;
}

function decodeKeyValueList(r: ProtoReader): KeyValue[] {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'KeyValueList';
  if (++r.depth > MAX_ANY_VALUE_DEPTH) throw r.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH}`);
  const values: KeyValue[] = [];
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x0a) values.push(decodeKeyValue(r));
    else r.skipOther(t, KEY_VALUE_LIST);
  }
  r.depth--;
  r.msg = prev;
  r.leave(outer);
  return values;
}

/**
 * Decodes one length-delimited KeyValue; an absent value is null. The common shape — a key and a
 * string value, in that order, every length one byte — is read straight from the bytes; anything
 * else (other value kinds, longer fields, other order, unknown fields) takes the general path.
 */
export function decodeKeyValue(r: ProtoReader): KeyValue {
  const buf = r.buf;
  const p = r.pos;
  const n = buf[p]!;
  const kvEnd = p + 1 + n;
  if (n < 0x80 && kvEnd <= r.end && buf[p + 1] === 0x0a) {
    const kl = buf[p + 2]!;
    const vt = p + 3 + kl; // the value's tag
    if (kl < 0x80 && vt + 2 <= kvEnd && buf[vt] === 0x12 && buf[vt + 2] === 0x0a) {
      const vl = buf[vt + 1]!;
      const sl = buf[vt + 3]!;
      if (vl < 0x80 && vt + 2 + vl === kvEnd && sl < 0x80 && sl + 2 === vl) {
        r.pos = p + 2;
        const key = r.string();
        r.pos = vt + 3;
        const value = r.string();
        r.pos = kvEnd;
        return { key, value };
      }
    }
  }
  return decodeKeyValueFields(r);
}

function decodeKeyValueFields(r: ProtoReader): KeyValue {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'KeyValue';
  let key = '';
  let value: AnyValue = null;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x0a) key = r.string();
    else if (t === 0x12) value = decodeAnyValue(r);
    else r.skipOther(t, KEY_VALUE);
  }
  r.msg = prev;
  r.leave(outer);
  return { key, value };
}

/** Decodes one length-delimited Resource (entity_refs are skipped). */
export function decodeResource(r: ProtoReader): Resource {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'Resource';
  const res: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x0a) res.attributes.push(decodeKeyValue(r));
    else if (t === 0x10) res.droppedAttributesCount = r.uint32();
    else r.skipOther(t, RESOURCE);
  }
  r.msg = prev;
  r.leave(outer);
  return res;
}

/** Decodes one length-delimited InstrumentationScope. */
export function decodeScope(r: ProtoReader): Scope {
  const outer = r.enter();
  const prev = r.msg;
  r.msg = 'InstrumentationScope';
  const scope: Scope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 0x0a: scope.name = r.string(); break;
      case 0x12: scope.version = r.string(); break;
      case 0x1a: scope.attributes.push(decodeKeyValue(r)); break;
      case 0x20: scope.droppedAttributesCount = r.uint32(); break;
      default: r.skipOther(t, SCOPE);
    }
  }
  r.msg = prev;
  r.leave(outer);
  return scope;
}

/**
 * Runs a top-level decoder over `buf`, turning anything unexpected into INVALID_DATA, so decoding
 * only ever returns or throws an OutriderError.
 */
export function decodeTop<T>(buf: Uint8Array, msg: string, decode: (r: ProtoReader) => T): T {
  if (!(buf instanceof Uint8Array)) throw errors.invalidData(`invalid protobuf: ${msg} body is not bytes`);
  try {
    const r = new ProtoReader(buf);
    r.msg = msg;
    return decode(r);
  } catch (err) {
    if (err instanceof OutriderError) throw err;
    throw errors.invalidData(`invalid protobuf: ${msg}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

// Typed field readers for OTLP/JSON decoding: each checks one value and names its key path on error.
import { errors } from '../errors.js';
import { tryFromHex } from './hex.js';
import type { AnyValue, KeyValue, Resource, Scope } from './model.js';

/** A JSON object as parsed. */
export type Json = Record<string, unknown>;

const EMPTY = new Uint8Array(0);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const INTEGER = /^-?\d+$/;
const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** Deepest nesting of arrayValue/kvlistValue accepted. */
export const MAX_JSON_ANY_VALUE_DEPTH = 64;

/** Throws INVALID_DATA naming the key path: "invalid OTLP/JSON: resourceSpans[0].spans[3].traceId: expected …". */
export function fail(path: string, problem: string): never {
  throw errors.invalidData(`invalid OTLP/JSON: ${path}: ${problem}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** An object, or null when absent (undefined or null). */
export function optObject(v: unknown, path: string): Json | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) fail(path, `expected an object, got ${describe(v)}`);
  return v as Json;
}

/** An array; absent reads as []. */
export function array(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, `expected an array, got ${describe(v)}`);
  return v;
}

/** A string; absent reads as ''. */
export function string(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return fail(path, `expected a string, got ${describe(v)}`);
}

/** A bool; absent reads as false. */
export function bool(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  return fail(path, `expected a boolean, got ${describe(v)}`);
}

function integer(v: unknown, path: string, min: bigint, max: bigint, what: string): bigint {
  let n: bigint;
  if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && INTEGER.test(v)) n = BigInt(v);
  else return fail(path, `expected ${what} (a number or decimal string), got ${describe(v)}`);
  if (n < min || n > max) fail(path, `${what} out of range: ${String(v)}`);
  return n;
}

/** An int64 as bigint, from a number or a decimal string; absent reads as 0. */
export function int64(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  return integer(v, path, INT64_MIN, INT64_MAX, 'an int64');
}

/** A fixed64/uint64 as bigint (times), from a number or a decimal string; absent reads as 0. */
export function uint64(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  return integer(v, path, 0n, UINT64_MAX, 'a uint64');
}

/** A fixed64/uint64 count as a number (exact below 2^53); absent reads as 0. */
export function count(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  return Number(uint64(v, path));
}

/** A uint32 (dropped counts, flags); absent reads as 0. */
export function uint32(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  if (v === undefined || v === null) return 0;
  return Number(integer(v, path, 0n, 0xffffffffn, 'a uint32'));
}

/** An int32 (sint32 scale, offset); absent reads as 0. */
export function int32(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return v;
  if (v === undefined || v === null) return 0;
  return Number(integer(v, path, -0x80000000n, 0x7fffffffn, 'an int32'));
}

/** An enum: its integer or (leniently) its name in `names`; absent reads as 0. */
export function enumValue(v: unknown, path: string, names: Readonly<Record<string, number>>): number {
  if (typeof v === 'string' && Object.hasOwn(names, v)) return names[v];
  return int32(v, path);
}

/** A double: a number or "NaN", "Infinity", "-Infinity" or a numeric string; absent reads as 0. */
export function double(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isNaN(n)) return n;
  }
  return fail(path, `expected a double, got ${describe(v)}`);
}

/** An optional double (histogram sum/min/max): absent reads as undefined. */
export function optDouble(v: unknown, path: string): number | undefined {
  return v === undefined || v === null ? undefined : double(v, path);
}

/** An id in hex (either case) of exactly `size` bytes, or '' (zero-length: no id). */
export function hexId(v: unknown, path: string, size: number): Uint8Array {
  if (v === undefined || v === null || v === '') return EMPTY;
  const bytes = typeof v === 'string' && v.length === size * 2 ? tryFromHex(v) : undefined;
  if (bytes === undefined) fail(path, `expected ${size * 2} hex digits, got ${describe(v)}`);
  return bytes;
}

/**
 * A span or link id: hex (either case) of any whole number of bytes, or ''. Its size is not checked
 * here: the receiver rejects the spans whose ids are not `size` bytes, and keeps the rest.
 */
export function hexIdAnySize(v: unknown, path: string, size: number): Uint8Array {
  if (v === undefined || v === null || v === '') return EMPTY;
  const bytes = typeof v === 'string' ? tryFromHex(v) : undefined;
  if (bytes === undefined) fail(path, `expected ${size * 2} hex digits, got ${describe(v)}`);
  return bytes;
}

/** Standard or URL-safe base64 bytes; absent reads as empty. */
export function base64(v: unknown, path: string): Uint8Array {
  if (v === undefined || v === null || v === '') return EMPTY;
  if (typeof v !== 'string' || !BASE64.test(v)) return fail(path, `expected base64, got ${describe(v)}`);
  const b = Buffer.from(v, 'base64');
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

/** An AnyValue object ({stringValue} | {boolValue} | …); {} or null is the empty value (null). */
export function anyValue(v: unknown, path: string, depth = 0): AnyValue {
  const o = optObject(v, path);
  if (o === null) return null;
  if (o.stringValue !== undefined && o.stringValue !== null) return string(o.stringValue, `${path}.stringValue`);
  if (o.boolValue !== undefined && o.boolValue !== null) return bool(o.boolValue, `${path}.boolValue`);
  if (o.intValue !== undefined && o.intValue !== null) return int64(o.intValue, `${path}.intValue`);
  if (o.doubleValue !== undefined && o.doubleValue !== null) return double(o.doubleValue, `${path}.doubleValue`);
  if (o.arrayValue !== undefined && o.arrayValue !== null) {
    if (depth >= MAX_JSON_ANY_VALUE_DEPTH) fail(path, `AnyValue nested deeper than ${MAX_JSON_ANY_VALUE_DEPTH}`);
    const p = `${path}.arrayValue.values`;
    const values = array(optObject(o.arrayValue, `${path}.arrayValue`)?.values, p);
    const out: AnyValue[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i], `${p}[${i}]`, depth + 1);
    return out;
  }
  if (o.kvlistValue !== undefined && o.kvlistValue !== null) {
    if (depth >= MAX_JSON_ANY_VALUE_DEPTH) fail(path, `AnyValue nested deeper than ${MAX_JSON_ANY_VALUE_DEPTH}`);
    const kv = optObject(o.kvlistValue, `${path}.kvlistValue`);
    return { kvlistValue: keyValues(kv?.values, `${path}.kvlistValue.values`, depth + 1) };
  }
  if (o.bytesValue !== undefined && o.bytesValue !== null) return base64(o.bytesValue, `${path}.bytesValue`);
  return null;
}

/** A list of KeyValue objects ({key, value}); absent reads as []. */
export function keyValues(v: unknown, path: string, depth = 0): KeyValue[] {
  const list = array(v, path);
  const out: KeyValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const p = `${path}[${i}]`;
    const kv = optObject(list[i], p) ?? {};
    out[i] = { key: string(kv.key, `${p}.key`), value: anyValue(kv.value, `${p}.value`, depth) };
  }
  return out;
}

/** A Resource, or null when absent. */
export function resource(v: unknown, path: string): Resource | null {
  const o = optObject(v, path);
  if (o === null) return null;
  return {
    attributes: keyValues(o.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32(o.droppedAttributesCount, `${path}.droppedAttributesCount`),
  };
}

/** An InstrumentationScope, or null when absent. */
export function scope(v: unknown, path: string): Scope | null {
  const o = optObject(v, path);
  if (o === null) return null;
  return {
    name: string(o.name, `${path}.name`),
    version: string(o.version, `${path}.version`),
    attributes: keyValues(o.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32(o.droppedAttributesCount, `${path}.droppedAttributesCount`),
  };
}

// The one label-name sanitizer and attribute-value-to-text conversion every /metrics producer uses.
import type { AnyValue } from '../pdata/model.js';

/**
 * A Prometheus label name for an attribute key (collector.md §5): invalid characters → `_`,
 * a leading digit gets `key_`, a leading `_` gets `key` (names starting with `__` are reserved);
 * an empty key becomes `key_`. `http.route` → `http_route`, `2xx` → `key_2xx`.
 */
export function labelName(key: string): string {
  let s = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (s === '') return 'key_';
  if (s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57) s = 'key_' + s;
  else if (s.charCodeAt(0) === 95) s = 'key' + s;
  return s;
}

function jsonable(v: AnyValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(jsonable);
  if (v !== null && typeof v === 'object') return Object.fromEntries(v.kvlistValue.map((kv) => [kv.key, jsonable(kv.value)]));
  return v;
}

/**
 * An attribute value as label text: strings as-is, numbers, bigints and booleans plainly, empty
 * as `''`, bytes base64, arrays and maps as JSON (int64 as numbers, bytes as base64 strings).
 */
export function valueText(v: AnyValue): string {
  switch (typeof v) {
    case 'string': return v;
    case 'boolean': case 'number': case 'bigint': return String(v);
  }
  if (v === null || v === undefined) return '';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(jsonable(v));
}

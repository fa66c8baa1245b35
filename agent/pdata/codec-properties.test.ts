// Property-based tests (fast-check) of the OTLP codecs: arbitrary bytes and JSON never crash a decoder
// (they decode or throw INVALID_DATA), and every valid message round-trips through the encoders the
// exporters use (protobuf: exporterhelper's requests; JSON: the file and debug exporters).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as arb from '../../test/kit/pdata-arbitraries.js';
import { fuzz } from '../../test/kit/fuzz.js';
import { OutriderError } from '../errors.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson, encodeLogsJson, encodeMetricsJson, encodeTracesJson } from './json.js';
import { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from './proto-decode.js';
import { encodeLogsRequest, encodeMetricsRequest, encodeTracesRequest } from './proto-encode.js';

const signals = [
  { name: 'traces', arb: arb.traces as fc.Arbitrary<any>, enc: encodeTracesRequest as (d: any) => Uint8Array, dec: decodeTracesRequest, encJson: encodeTracesJson as (d: any) => object, decJson: decodeTracesJson },
  { name: 'metrics', arb: arb.metrics as fc.Arbitrary<any>, enc: encodeMetricsRequest as (d: any) => Uint8Array, dec: decodeMetricsRequest, encJson: encodeMetricsJson as (d: any) => object, decJson: decodeMetricsJson },
  { name: 'logs', arb: arb.logs as fc.Arbitrary<any>, enc: encodeLogsRequest as (d: any) => Uint8Array, dec: decodeLogsRequest, encJson: encodeLogsJson as (d: any) => object, decJson: decodeLogsJson },
];

/** True when `f` returns; false when it throws INVALID_DATA; any other throw fails the property. */
function decodesOrInvalid(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (err) {
    if (err instanceof OutriderError && err.code === 'INVALID_DATA' && err.message.length > 0) return false;
    throw new Error(`not INVALID_DATA: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
}

/** One edit of a byte buffer: truncation, bit flip, byte overwrite or insertion. */
const edit = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);

function applyEdits(valid: Uint8Array, edits: ReadonlyArray<any>): Uint8Array {
  let b = valid.slice();
  for (const e of edits) {
    if (b.length === 0) break;
    const at = e.at % b.length;
    if (e.op === 'truncate') b = b.subarray(0, at);
    else if (e.op === 'flip') b[at] ^= 1 << e.bit;
    else if (e.op === 'set') b[at] = e.byte;
    else b = new Uint8Array([...b.subarray(0, at), ...e.bytes, ...b.subarray(at)]);
  }
  return b;
}

describe('protobuf decoders (fast-check)', () => {
  it('arbitrary bytes: every decoder returns or throws INVALID_DATA', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (buf) => {
      for (const s of signals) decodesOrInvalid(() => s.dec(buf));
    }), fuzz(3000));
  });

  it.each(signals)('$name: edited valid requests return or throw INVALID_DATA', (s) => {
    fc.assert(fc.property(s.arb, fc.array(edit, { minLength: 1, maxLength: 4 }), (data, edits) => {
      const buf = applyEdits(s.enc(data), edits);
      for (const t of signals) decodesOrInvalid(() => t.dec(buf));
    }), fuzz(500));
  });

  it.each(signals)('$name: decode(encode(x)) is x', (s) => {
    fc.assert(fc.property(s.arb, (data) => {
      expect(s.dec(s.enc(data))).toEqual(data);
    }), fuzz(500));
  });
});

describe('OTLP/JSON decoders (fast-check)', () => {
  it('arbitrary JSON values and texts: every decoder returns or throws INVALID_DATA', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string({ maxLength: 80 }), (value, textInput) => {
      for (const s of signals) {
        decodesOrInvalid(() => s.decJson(JSON.stringify(value)));
        if (value !== null && typeof value === 'object') decodesOrInvalid(() => s.decJson(value as object));
        decodesOrInvalid(() => s.decJson(textInput));
      }
    }), fuzz(1500));
  });

  it.each(signals)('$name: valid requests with one subtree replaced by arbitrary JSON return or throw INVALID_DATA', (s) => {
    fc.assert(fc.property(s.arb, fc.jsonValue({ maxDepth: 3 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (data, junk, path) => {
      const tree = JSON.parse(JSON.stringify(s.encJson(data)));
      let node: any = tree;
      for (let i = 0; i < path.length - 1; i++) {
        const keys = node && typeof node === 'object' ? Object.keys(node) : [];
        if (keys.length === 0) break;
        const next = node[keys[path[i]! % keys.length]!];
        if (next === null || typeof next !== 'object') { node[keys[path[i]! % keys.length]!] = junk; node = undefined; break; }
        node = next;
      }
      if (node && typeof node === 'object') { const keys = Object.keys(node); node[keys.length ? keys[path[path.length - 1]! % keys.length]! : 'x'] = junk; }
      decodesOrInvalid(() => s.decJson(JSON.stringify(tree)));
    }), fuzz(500));
  });

  it.each(signals)('$name: decodeJson(JSON text of encodeJson(x)) is x', (s) => {
    fc.assert(fc.property(s.arb, (data) => {
      expect(s.decJson(JSON.stringify(s.encJson(data)))).toEqual(data);
    }), fuzz(400));
  });
});

// Fuzz tests: random and mutated protobuf and JSON input must decode or fail with INVALID_DATA, never otherwise.
import { describe, expect, it } from 'vitest';
import { RandomPdata } from '../../bench/random-pdata.js';
import { seededRandom } from '../../bench/fixtures.js';
import { OutriderError } from '../errors.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson, encodeLogsJson, encodeMetricsJson, encodeTracesJson } from './json.js';
import { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from './proto-decode.js';
import { encodeLogsRequest, encodeMetricsRequest, encodeTracesRequest } from './proto-encode.js';

const binaryDecoders = [decodeTracesRequest, decodeMetricsRequest, decodeLogsRequest];
const jsonDecoders = [decodeTracesJson, decodeMetricsJson, decodeLogsJson];

/** Runs `f`; returns 'ok' or 'invalid', and fails the test on any other error. */
function outcome(f: () => unknown): 'ok' | 'invalid' {
  try {
    f();
    return 'ok';
  } catch (err) {
    if (!(err instanceof OutriderError) || err.code !== 'INVALID_DATA') {
      throw new Error(`unexpected error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    return 'invalid';
  }
}

function mutate(rnd: () => number, valid: Uint8Array): Uint8Array {
  const b = valid.slice();
  switch (Math.floor(rnd() * 4)) {
    case 0: return b.subarray(0, Math.floor(rnd() * b.length));
    case 1: {
      const flips = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < flips && b.length > 0; i++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
      return b;
    }
    case 2: {
      for (let i = 0; i < 3 && b.length > 0; i++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      return b;
    }
    default: {
      const at = Math.floor(rnd() * b.length);
      const ins = new Uint8Array(1 + Math.floor(rnd() * 8)).map(() => Math.floor(rnd() * 256));
      return new Uint8Array([...b.subarray(0, at), ...ins, ...b.subarray(at + (rnd() < 0.5 ? 1 : 0))]);
    }
  }
}

describe('protobuf fuzz', () => {
  it('5,000 random byte buffers: every decoder returns or throws INVALID_DATA', () => {
    const rnd = seededRandom(7);
    const seen = { ok: 0, invalid: 0 };
    for (let i = 0; i < 5000; i++) {
      const buf = new Uint8Array(Math.floor(rnd() * 200)).map(() => Math.floor(rnd() * 256));
      for (const decode of binaryDecoders) seen[outcome(() => decode(buf))]++;
    }
    expect(seen.invalid).toBeGreaterThan(0);
  });

  it('5,000 truncations, bit flips and insertions of valid messages: returns or INVALID_DATA', () => {
    const gen = new RandomPdata(8);
    const valid = [
      ...Array.from({ length: 10 }, () => encodeTracesRequest(gen.traces())),
      ...Array.from({ length: 10 }, () => encodeMetricsRequest(gen.metrics())),
      ...Array.from({ length: 10 }, () => encodeLogsRequest(gen.logs())),
    ].filter((b) => b.length > 0);
    const rnd = seededRandom(9);
    const seen = { ok: 0, invalid: 0 };
    for (let i = 0; i < 5000; i++) {
      const buf = mutate(rnd, valid[i % valid.length]);
      seen[outcome(() => binaryDecoders[i % 3](buf))]++;
      if (i % 5 === 0) seen[outcome(() => binaryDecoders[(i + 1) % 3](buf))]++;
    }
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.invalid).toBeGreaterThan(0);
  });
});

function randomJson(rnd: () => number, depth: number): unknown {
  switch (Math.floor(rnd() * (depth > 3 ? 6 : 8))) {
    case 0: return null;
    case 1: return rnd() < 0.5;
    case 2: return [0, -1, 1.5, 2 ** 64, NaN, 1e308][Math.floor(rnd() * 6)];
    case 3: return ['', 'abc', '5b8efff798038103d269b633813fc60c', '12', 'NaN', 'AQID', 'SPAN_KIND_SERVER'][Math.floor(rnd() * 7)];
    case 4: return 'x'.repeat(Math.floor(rnd() * 40));
    case 5: return {};
    case 6: return Array.from({ length: Math.floor(rnd() * 3) }, () => randomJson(rnd, depth + 1));
    default: {
      const keys = ['resourceSpans', 'resourceMetrics', 'resourceLogs', 'scopeSpans', 'spans', 'traceId', 'attributes', 'value', 'intValue', 'gauge', 'dataPoints', 'body', 'kvlistValue', 'values', 'arrayValue'];
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 4); i > 0; i--) o[keys[Math.floor(rnd() * keys.length)]] = randomJson(rnd, depth + 1);
      return o;
    }
  }
}

/** Replaces one random subtree of a JSON value with random JSON. */
function replaceSubtree(rnd: () => number, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || rnd() < 0.15) return randomJson(rnd, 2);
  const entries = Array.isArray(v) ? [...v.entries()] : Object.entries(v);
  if (entries.length === 0) return randomJson(rnd, 2);
  const [k] = entries[Math.floor(rnd() * entries.length)];
  const copy = (Array.isArray(v) ? [...v] : { ...v }) as Record<string | number, unknown>;
  copy[k] = replaceSubtree(rnd, copy[k]);
  return copy;
}

describe('JSON fuzz', () => {
  it('random structures, mutated valid requests and broken text: returns or INVALID_DATA', () => {
    const gen = new RandomPdata(10);
    const valid = [encodeTracesJson(gen.traces()), encodeMetricsJson(gen.metrics()), encodeLogsJson(gen.logs())];
    const rnd = seededRandom(11);
    const seen = { ok: 0, invalid: 0 };
    for (let i = 0; i < 1700; i++) {
      const decode = jsonDecoders[i % 3];
      seen[outcome(() => decode(randomJson(rnd, 0) as object))]++;
      seen[outcome(() => decode(replaceSubtree(rnd, valid[i % 3]) as object))]++;
      const text = JSON.stringify(valid[i % 3]);
      const cut = Math.floor(rnd() * text.length);
      seen[outcome(() => decode(text.slice(0, cut) + String.fromCharCode(32 + Math.floor(rnd() * 95)) + text.slice(cut + 1)))]++;
    }
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.invalid).toBeGreaterThan(0);
  });
});

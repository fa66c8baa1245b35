// Tests of the OTLP/JSON codec: round trips of random data and the OTLP/JSON spec rules.
import { describe, expect, it } from 'vitest';
import { RandomPdata } from '../../bench/random-pdata.js';
import { makeTracesData } from '../../bench/fixtures.js';
import { OutriderError } from '../errors.js';
import { fromHex, toHex, tryFromHex } from './hex.js';
import {
  decodeLogsJson, decodeMetricsJson, decodeTracesJson, encodeLogsJson, encodeMetricsJson, encodeTracesJson,
} from './json.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

function errorOf(f: () => unknown): OutriderError {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(OutriderError); return e as OutriderError; }
  throw new Error('expected an error');
}

describe('OTLP/JSON round trips', () => {
  it('traces, metrics and logs survive encode → JSON text → decode (150 random requests each)', () => {
    const rnd = new RandomPdata(5);
    for (let i = 0; i < 150; i++) {
      const td = rnd.traces();
      expect(decodeTracesJson(JSON.stringify(encodeTracesJson(td)))).toEqual(td);
      const md = rnd.metrics();
      expect(decodeMetricsJson(JSON.stringify(encodeMetricsJson(md)))).toEqual(md);
      const ld = rnd.logs();
      expect(decodeLogsJson(JSON.stringify(encodeLogsJson(ld)))).toEqual(ld);
    }
  });

  it('accepts an already-parsed object and UTF-8 bytes', () => {
    const td = makeTracesData({ spansPerResource: 3 });
    const obj = encodeTracesJson(td);
    expect(decodeTracesJson(obj)).toEqual(td);
    expect(decodeTracesJson(new TextEncoder().encode(JSON.stringify(obj)))).toEqual(td);
  });
});

describe('OTLP/JSON encoding', () => {
  it('writes hex ids, decimal-string int64s, integer enums and NaN as a string', () => {
    const td = makeTracesData({ spansPerResource: 1, minAttributes: 0, maxAttributes: 0, eventRate: 0, errorRate: 0 });
    const span = td.resourceSpans[0].scopeSpans[0].spans[0];
    span.traceId = fromHex(TRACE);
    span.spanId = fromHex(SPAN);
    span.attributes = [{ key: 'big', value: 2n ** 63n - 1n }, { key: 'nan', value: NaN }, { key: 'b', value: new Uint8Array([1, 2, 3]) }];
    const json = encodeTracesJson(td) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const s = json.resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.traceId).toBe(TRACE);
    expect(s.spanId).toBe(SPAN);
    expect(s.kind).toBe(2);
    expect(s.startTimeUnixNano).toBe(span.startTimeUnixNano.toString());
    expect(s.attributes).toEqual([
      { key: 'big', value: { intValue: '9223372036854775807' } },
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'b', value: { bytesValue: 'AQID' } },
    ]);
    expect('parentSpanId' in s).toBe(false);
  });
});

describe('OTLP/JSON decoding rules', () => {
  const body = (span: object, extra: object = {}) => ({ resourceSpans: [{ scopeSpans: [{ spans: [span] }], ...extra }] });

  it('reads ids in either case, int64 as numbers or strings, enum names and special doubles', () => {
    const td = decodeTracesJson(body({
      traceId: TRACE.toUpperCase(), spanId: SPAN, kind: 'SPAN_KIND_CLIENT', startTimeUnixNano: 1_700_000_000_000,
      endTimeUnixNano: '1700000000000000001', status: { code: 'STATUS_CODE_ERROR' },
      attributes: [{ key: 'i', value: { intValue: 42 } }, { key: 'd', value: { doubleValue: '-Infinity' } }, { key: 'e', value: {} }],
    }));
    const s = td.resourceSpans[0].scopeSpans[0].spans[0];
    expect(toHex(s.traceId)).toBe(TRACE);
    expect(s.kind).toBe(3);
    expect(s.status.code).toBe(2);
    expect(s.startTimeUnixNano).toBe(1_700_000_000_000n);
    expect(s.endTimeUnixNano).toBe(1_700_000_000_000_000_001n);
    expect(s.attributes.map((a) => a.value)).toEqual([42n, -Infinity, null]);
  });

  it('allows an empty traceId (zero-length: no id)', () => {
    expect(decodeTracesJson(body({ traceId: '', spanId: '' })).resourceSpans[0].scopeSpans[0].spans[0].traceId.length).toBe(0);
  });

  it('keeps span, parent and link ids of the wrong length, for the receiver to reject only those spans', () => {
    const span = decodeTracesJson(body({ traceId: TRACE.slice(2), spanId: `${SPAN}ab`, parentSpanId: 'abcdef', links: [{ traceId: `${TRACE}00`, spanId: 'ab' }] }))
      .resourceSpans[0].scopeSpans[0].spans[0];
    expect([span.traceId.length, span.spanId.length, span.parentSpanId.length]).toEqual([15, 9, 3]);
    expect([span.links[0].traceId.length, span.links[0].spanId.length]).toEqual([17, 1]);
  });

  it('ignores unknown and snake_case keys', () => {
    const td = decodeTracesJson({
      resource_spans: [{}], extra: 1,
      resourceSpans: [{ schema_url: 'x', unknown: { deep: [1] }, scopeSpans: [{ spans: [{ trace_id: TRACE, name: 'n', start_time_unix_nano: '5' }] }] }],
    });
    const s = td.resourceSpans[0].scopeSpans[0].spans[0];
    expect([td.resourceSpans.length, td.resourceSpans[0].schemaUrl, s.traceId.length, s.name, s.startTimeUnixNano]).toEqual([1, '', 0, 'n', 0n]);
  });

  it('decodes metrics and logs with every value form', () => {
    const md = decodeMetricsJson({ resourceMetrics: [{ scopeMetrics: [{ metrics: [
      { name: 'g', gauge: { dataPoints: [{ asInt: '-5' }, { asDouble: 1.5 }] } },
      { name: 'h', histogram: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', dataPoints: [{ count: '3', sum: 2, bucketCounts: ['1', 2], explicitBounds: [1] }] } },
    ] }] }] });
    const [g, h] = md.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(g.data?.dataPoints.map((p) => ('value' in p ? p.value : undefined))).toEqual([-5n, 1.5]);
    expect(h.data).toMatchObject({ type: 'histogram', aggregationTemporality: 1, dataPoints: [{ count: 3, sum: 2, bucketCounts: [1, 2], min: undefined }] });
    const ld = decodeLogsJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN2', body: { stringValue: 'hi' }, eventName: 'e' }] }] }] });
    expect(ld.resourceLogs[0].scopeLogs[0].logRecords[0]).toMatchObject({ severityNumber: 14, body: 'hi', eventName: 'e' });
  });

  const bad: [string, unknown, string][] = [
    ['spans not an array', { resourceSpans: [{ scopeSpans: [{ spans: {} }] }] }, 'resourceSpans[0].scopeSpans[0].spans: expected an array'],
    ['a traceId of odd length', { resourceSpans: [{ scopeSpans: [{}, { spans: [{}, {}, {}, { traceId: TRACE.slice(1) }] }] }] },
      'resourceSpans[0].scopeSpans[1].spans[3].traceId: expected 32 hex digits'],
    ['a non-hex spanId', body({ spanId: 'zzzzzzzzzzzzzzzz' }), 'spans[0].spanId: expected 16 hex digits'],
    ['a fractional int64', body({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }), 'attributes[0].value.intValue: expected an int64'],
    ['an int64 out of range', body({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }), 'intValue: an int64 out of range'],
    ['a negative time', body({ startTimeUnixNano: '-1' }), 'startTimeUnixNano: a uint64 out of range: -1'],
    ['a string name as number', body({ name: 5 }), 'spans[0].name: expected a string, got number 5'],
    ['bad base64', body({ attributes: [{ key: 'k', value: { bytesValue: '***' } }] }), 'bytesValue: expected base64'],
    ['a top-level array', [], '(root): expected an object'],
    ['invalid JSON text', '{"resourceSpans": [', 'invalid OTLP/JSON'],
  ];
  for (const [name, input, message] of bad) {
    it(`rejects ${name} with INVALID_DATA and the key path`, () => {
      const err = errorOf(() => decodeTracesJson(input as object));
      expect(err.code).toBe('INVALID_DATA');
      expect(err.message).toContain(message);
    });
  }

  it('rejects deeply nested AnyValues', () => {
    let v: object = { stringValue: 'x' };
    for (let i = 0; i < 100; i++) v = { arrayValue: { values: [v] } };
    expect(errorOf(() => decodeTracesJson(body({ attributes: [{ key: 'k', value: v }] }))).message).toContain('nested deeper than 64');
  });
});

describe('hex', () => {
  it('round-trips bytes and rejects bad input', () => {
    const b = new Uint8Array([0, 1, 0x7f, 0x80, 0xab, 0xff]);
    expect(toHex(b)).toBe('00017f80abff');
    expect(fromHex('00017F80ABff')).toEqual(b);
    expect(tryFromHex('abc')).toBeUndefined();
    expect(tryFromHex('0g')).toBeUndefined();
    expect(tryFromHex('é0')).toBeUndefined();
    expect(errorOf(() => fromHex('xyz')).code).toBe('INVALID_DATA');
  });
});

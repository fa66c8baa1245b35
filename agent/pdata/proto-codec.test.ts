// Property and spec tests of the OTLP protobuf codec against protobufjs reflection over our .proto files.
import { encodeRpcStatus } from './rpc-status.js';
import { describe, expect, it } from 'vitest';
import { OutriderError } from '../errors.js';
import { loadOtlpRoot } from '../../bench/otlp-protos.js';
import { logsFrom, metricsFrom, TO_OBJECT, toPbjs, tracesFrom } from '../../bench/pbjs-convert.js';
import { RandomPdata } from '../../bench/random-pdata.js';
import { makeTracesData } from '../../bench/fixtures.js';
import { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from './proto-decode.js';
import {
  decodeExportResponse, encodeExportResponse, encodeLogsRequest, encodeMetricsRequest, encodeTracesRequest,
} from './proto-encode.js';
import { ProtoWriter } from './proto-writer.js';
import type { TracesData } from './model.js';

const root = loadOtlpRoot();
const T = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const M = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
const L = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');

const signals = [
  { name: 'traces', type: T, gen: (r: RandomPdata) => r.traces(), enc: encodeTracesRequest, dec: decodeTracesRequest, from: tracesFrom },
  { name: 'metrics', type: M, gen: (r: RandomPdata) => r.metrics(), enc: encodeMetricsRequest, dec: decodeMetricsRequest, from: metricsFrom },
  { name: 'logs', type: L, gen: (r: RandomPdata) => r.logs(), enc: encodeLogsRequest, dec: decodeLogsRequest, from: logsFrom },
] as const;

describe('protobuf codec round trips', () => {
  for (const s of signals) {
    it(`${s.name}: our encoder → protobufjs decode gives back the model (200 random requests)`, () => {
      const rnd = new RandomPdata(11);
      for (let i = 0; i < 200; i++) {
        const data = s.gen(rnd);
        const decoded = s.type.toObject(s.type.decode(s.enc(data as never)), TO_OBJECT);
        expect(s.from(decoded)).toEqual(data);
      }
    });

    it(`${s.name}: protobufjs encode → our decoder gives back the model (200 random requests)`, () => {
      const rnd = new RandomPdata(22);
      for (let i = 0; i < 200; i++) {
        const data = s.gen(rnd);
        const buf = s.type.encode(s.type.fromObject(toPbjs(data))).finish();
        expect(s.dec(buf)).toEqual(data);
      }
    });

    it(`${s.name}: ours → ours is the identity`, () => {
      const rnd = new RandomPdata(33);
      for (let i = 0; i < 100; i++) {
        const data = s.gen(rnd);
        expect(s.dec(s.enc(data as never))).toEqual(data);
      }
    });
  }

  it('decodes realistic fixture traces identically to protobufjs', () => {
    const td = makeTracesData({ resources: 3, spansPerResource: 50 });
    const buf = encodeTracesRequest(td);
    expect(decodeTracesRequest(buf)).toEqual(td);
    expect(tracesFrom(T.toObject(T.decode(buf), TO_OBJECT))).toEqual(td);
  });

  it('reads a KeyValue in any field order, with unknown fields or a truncated value, like protobuf does', () => {
    // span { attributes: kv } where kv is written by hand: value before key, an unknown field, and the short common form
    const kvs = [
      [0x12, 0x03, 0x0a, 0x01, 0x62, 0x0a, 0x01, 0x61], // value 'b', then key 'a'
      [0x0a, 0x01, 0x61, 0x12, 0x03, 0x0a, 0x01, 0x62, 0x18, 0x07], // key, value, unknown field 3
      [0x0a, 0x01, 0x61, 0x12, 0x03, 0x0a, 0x01, 0x62], // the common form
      [0x0a, 0x01, 0x61, 0x12, 0x02, 0x10, 0x01], // a boolean value
    ];
    for (const kv of kvs) {
      const span = [0x4a, kv.length, ...kv];
      const body = new Uint8Array([0x0a, span.length + 4, 0x12, span.length + 2, 0x12, span.length, ...span]);
      const attr = decodeTracesRequest(body).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes[0]!;
      expect(attr).toEqual({ key: 'a', value: kv[5] === 0x10 ? true : 'b' });
    }
    // the KeyValue claims a string longer than it holds
    const bad = [0x4a, 0x08, 0x0a, 0x01, 0x61, 0x12, 0x03, 0x0a, 0x05, 0x62];
    expect(() => decodeTracesRequest(new Uint8Array([0x0a, bad.length + 4, 0x12, bad.length + 2, 0x12, bad.length, ...bad]))).toThrow(OutriderError);
  });

  it('copies ids out of the request buffer', () => {
    const td = makeTracesData({ spansPerResource: 1 });
    const buf = encodeTracesRequest(td);
    const out = decodeTracesRequest(buf);
    buf.fill(0);
    expect(out.resourceSpans[0].scopeSpans[0].spans[0].traceId).toEqual(td.resourceSpans[0].scopeSpans[0].spans[0].traceId);
  });
});

describe('protobuf encoding rules', () => {
  const oneSpan = (patch: object): TracesData => {
    const td = makeTracesData({ spansPerResource: 1, minAttributes: 0, maxAttributes: 0, eventRate: 0, errorRate: 0 });
    Object.assign(td.resourceSpans[0].scopeSpans[0].spans[0], patch);
    return td;
  };

  it('writes Span.flags as fixed32 field 16 and omits proto3 defaults', () => {
    const buf = encodeTracesRequest(oneSpan({ flags: 0x301, attributes: [], traceState: '', droppedAttributesCount: 0 }));
    const span = T.decode(buf) as unknown as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const s = span.resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.flags).toBe(0x301);
    expect(Object.hasOwn(s, 'traceState')).toBe(false);
  });

  it('emits AnyValue oneofs even when the value is a default, and null as an empty AnyValue', () => {
    const attrs = [{ key: 's', value: '' }, { key: 'b', value: false }, { key: 'd', value: 0 }, { key: 'i', value: 0n }, { key: 'n', value: null }];
    const buf = encodeTracesRequest(oneSpan({ attributes: attrs }));
    const o = T.toObject(T.decode(buf), TO_OBJECT);
    const got = o.resourceSpans[0].scopeSpans[0].spans[0].attributes.map((a: { value: { value?: string } }) => a.value.value);
    expect(got).toEqual(['stringValue', 'boolValue', 'doubleValue', 'intValue', undefined]);
  });

  it('encodes number points as as_double and bigint points as as_int', () => {
    const rnd = new RandomPdata(1);
    const md = { resourceMetrics: [{ resource: null, schemaUrl: '', scopeMetrics: [{ scope: null, schemaUrl: '', metrics: [{
      ...rnd.metric(), data: { type: 'gauge' as const, dataPoints: [
        { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 1n, value: 0, exemplars: [], flags: 0 },
        { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 1n, value: -(2n ** 63n), exemplars: [], flags: 0 },
      ] } }] }] }] };
    const o = M.toObject(M.decode(encodeMetricsRequest(md)), TO_OBJECT);
    const pts = o.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints;
    expect([pts[0].value, pts[0].asDouble]).toEqual(['asDouble', 0]);
    expect([pts[1].value, pts[1].asInt]).toEqual(['asInt', '-9223372036854775808']);
  });

  it('encodes and decodes export responses and google.rpc.Status', () => {
    const R = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
    const resp = encodeExportResponse(3, 'three spans had no name');
    expect(R.toObject(R.decode(resp), { longs: Number })).toEqual({ partialSuccess: { rejectedSpans: 3, errorMessage: 'three spans had no name' } });
    expect(decodeExportResponse(resp)).toEqual({ rejected: 3, errorMessage: 'three spans had no name' });
    expect(encodeExportResponse(0, '').length).toBe(0);
    expect(decodeExportResponse(new Uint8Array(0))).toEqual({ rejected: 0, errorMessage: '' });
    for (const n of ['Metrics', 'Logs']) {
      const Rn = root.lookupType(`opentelemetry.proto.collector.${n.toLowerCase()}.v1.Export${n}ServiceResponse`);
      const obj = Rn.toObject(Rn.decode(encodeExportResponse(7, 'x')), { longs: Number }) as { partialSuccess: Record<string, unknown> };
      expect(Object.values(obj.partialSuccess)).toEqual([7, 'x']);
    }
    const S = root.lookupType('google.rpc.Status');
    expect(S.toObject(S.decode(encodeRpcStatus({ code: 3, message: 'invalid protobuf' })))).toEqual({ code: 3, message: 'invalid protobuf' });
  });
});

describe('protobuf decoding rules', () => {
  it('skips unknown fields of every wire type', () => {
    const w = new ProtoWriter();
    w.uint32((99 << 3) | 0); w.int64(-1n);
    w.uint32((98 << 3) | 1); w.double(1);
    w.uint32((97 << 3) | 2); w.string('unknown');
    w.uint32((96 << 3) | 5); w.fixed32(7);
    const unknown = w.finish();
    const td = makeTracesData({ spansPerResource: 2 });
    const buf = encodeTracesRequest(td);
    expect(decodeTracesRequest(new Uint8Array([...unknown, ...buf, ...unknown]))).toEqual(td);
  });

  it('accepts unpacked repeated fixed64 / double / uint64 fields', () => {
    const H = root.lookupType('opentelemetry.proto.metrics.v1.HistogramDataPoint');
    expect(H.fields.bucketCounts.id).toBe(6);
    const w = new ProtoWriter();
    w.uint32(0x0a); const rm = w.fork(); w.uint32(0x12); const sm = w.fork(); w.uint32(0x12); const m = w.fork();
    w.uint32(0x4a); const h = w.fork(); w.uint32(0x0a); const p = w.fork();
    w.uint32(0x31); w.fixed64Number(5); w.uint32(0x31); w.fixed64Number(6); w.uint32(0x39); w.double(2.5);
    w.ldelim(p); w.ldelim(h); w.ldelim(m); w.ldelim(sm); w.ldelim(rm);
    const md = decodeMetricsRequest(w.finish());
    const d = md.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    expect(d?.type === 'histogram' && [d.dataPoints[0].bucketCounts, d.dataPoints[0].explicitBounds]).toEqual([[5, 6], [2.5]]);
  });

  const cases: [string, number[], RegExp, ('traces' | 'metrics' | 'logs')?][] = [
    ['truncated length', [0x0a, 0x05, 0x12], /truncated length-delimited field 1 at offset 1 of ExportTraceServiceRequest/],
    ['nested truncation', [0x0a, 0x04, 0x12, 0x05, 0x00, 0x00], /truncated length-delimited field 2 at offset 3 of ResourceSpans/],
    ['group wire type', [0x0b], /group wire type/],
    ['invalid wire type', [0x0e], /invalid wire type 6/],
    ['field number 0', [0x02, 0x00], /field number 0/],
    ['varint too long', [0x78, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /varint longer than 10 bytes/],
    ['truncated fixed64', [0x79, 0x01, 0x02], /truncated fixed64/],
    ['a known field with the wrong wire type', [0x0a, 0x02, 0x10, 0x01],
      /field 2 \(scope_spans\) with wire type 0 \(varint\), expected 2 \(length-delimited\) at offset 2 of ResourceSpans/],
    ['a span id sent as fixed64', [0x0a, 0x0d, 0x12, 0x0b, 0x12, 0x09, 0x11, 1, 2, 3, 4, 5, 6, 7, 8],
      /field 2 \(span_id\) with wire type 1 \(i64\), expected 2 \(length-delimited\) at offset 6 of Span/],
    ['a log body sent as a varint', [0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x28, 0x01],
      /field 5 \(body\) with wire type 0 \(varint\), expected 2 \(length-delimited\)/, 'logs'],
    ['a histogram count sent as a varint', [0x0a, 0x0a, 0x12, 0x08, 0x12, 0x06, 0x4a, 0x04, 0x0a, 0x02, 0x20, 0x01],
      /field 4 \(count\) with wire type 0 \(varint\), expected 1 \(i64\) at offset 10 of HistogramDataPoint/, 'metrics'],
  ];
  const decoders = { traces: decodeTracesRequest, metrics: decodeMetricsRequest, logs: decodeLogsRequest };
  for (const [name, bytes, message, signal = 'traces'] of cases) {
    it(`rejects ${name} with INVALID_DATA`, () => {
      let err: unknown;
      try { decoders[signal](new Uint8Array(bytes)); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(OutriderError);
      expect((err as OutriderError).code).toBe('INVALID_DATA');
      expect((err as OutriderError).message).toMatch(message);
    });
  }

  it('keeps span, parent and link ids of any length, for the receiver to reject only those spans', () => {
    const td = makeTracesData({ spansPerResource: 2 });
    const span = td.resourceSpans[0].scopeSpans[0].spans[1];
    span.traceId = new Uint8Array(17).fill(1);
    span.parentSpanId = new Uint8Array([1, 2, 3]);
    span.links = [{ traceId: new Uint8Array(15).fill(2), spanId: new Uint8Array(9).fill(3), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }];
    expect(decodeTracesRequest(encodeTracesRequest(td))).toEqual(td);
  });

  it('rejects AnyValue nesting deeper than 64', () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < 100; i++) v = [v];
    const td = makeTracesData({ spansPerResource: 1 });
    td.resourceSpans[0].scopeSpans[0].spans[0].attributes = [{ key: 'deep', value: v as string }];
    expect(() => decodeTracesRequest(encodeTracesRequest(td))).toThrow(/nested deeper than 64/);
  });

  it('decodes invalid UTF-8 leniently', () => {
    const w = new ProtoWriter();
    w.uint32(0x0a); const rs = w.fork(); w.uint32(0x1a); w.bytes(new Uint8Array([0x61, 0xff, 0x62])); w.ldelim(rs);
    expect(decodeTracesRequest(w.finish()).resourceSpans[0].schemaUrl).toBe('a\ufffdb');
  });
});

// Bad input on both transports: each refused with the right code and a message naming the problem,
// the agent still serving afterwards.
import { gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { GrpcCode } from '../../agent/errors.js';
import { decodeExportResponse, encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { sinkConfig } from '../kit/config.js';
import { makeTraces } from '../kit/gen.js';
import { RawOtlpClient } from '../kit/grpc-client.js';
import { createSink, type Sink } from '../kit/sink.js';

const MIB = 1024 * 1024;
let agent: Agent;
let sink: Sink;
let http: string;
let grpcClient: RawOtlpClient;
let gzipClient: RawOtlpClient;

beforeAll(async () => {
  sink = createSink();
  const config = sinkConfig();
  (config.receivers.otlp.protocols as Record<string, Record<string, unknown>>).grpc!.max_recv_msg_size_mib = 4;
  (config.receivers.otlp.protocols as Record<string, Record<string, unknown>>).http!.max_request_body_size = 4 * MIB;
  agent = await Agent.start(config, { factories: [sink.factory] });
  const eps = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints;
  http = eps.http!;
  grpcClient = new RawOtlpClient(eps.grpc!);
  gzipClient = new RawOtlpClient(eps.grpc!, { 'grpc.default_compression_algorithm': 2 });
});
afterAll(async () => {
  grpcClient?.close();
  gzipClient?.close();
  await agent?.stop();
});

/** POSTs a body with headers over a raw socket and returns status, headers and body text. */
function post(path: string, body: Buffer, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const [host, port] = [http.slice(0, http.lastIndexOf(':')), Number(http.slice(http.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const valid = () => Buffer.from(encodeTracesRequest(makeTraces(3, 'ok')));

async function stillServing(): Promise<void> {
  const before = sink.count('traces');
  const g = await grpcClient.export('traces', valid());
  expect(g.code).toBe(GrpcCode.OK);
  const h = await post('/v1/traces', valid(), { 'content-type': 'application/x-protobuf' });
  expect(h.status).toBe(200);
  await sink.waitFor('traces', before + 6);
}

describe('gRPC bad input', () => {
  it('refuses truncated protobuf with INVALID_ARGUMENT', async () => {
    const buf = valid();
    const r = await grpcClient.export('traces', buf.subarray(0, buf.length - 7));
    expect(r.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(r.details).toMatch(/protobuf|truncated/i);
    await stillServing();
  });

  it('refuses random bytes with INVALID_ARGUMENT (50 tries)', async () => {
    let invalid = 0;
    for (let i = 0; i < 50; i++) {
      const r = await grpcClient.export('traces', randomBytes(1 + (i * 37) % 500));
      expect([GrpcCode.OK, GrpcCode.INVALID_ARGUMENT]).toContain(r.code);
      if (r.code === GrpcCode.INVALID_ARGUMENT) { invalid++; expect(r.details.length).toBeGreaterThan(10); }
    }
    expect(invalid).toBeGreaterThan(25);
    await stillServing();
  });

  it('refuses an oversized message with RESOURCE_EXHAUSTED', async () => {
    const r = await grpcClient.export('traces', Buffer.alloc(5 * MIB, 0x0a));
    expect(r.code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    expect(r.details).toMatch(/larger than max|exceeds|too large/i);
    await stillServing();
  });

  it('refuses a gzip bomb (small compressed, huge inflated) with RESOURCE_EXHAUSTED', async () => {
    const r = await gzipClient.export('traces', Buffer.alloc(64 * MIB));
    expect(r.code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    await stillServing();
  });

  it('answers UNIMPLEMENTED for a service with no pipeline', async () => {
    const client = new RawOtlpClient(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!);
    const r = await new Promise<{ code: number }>((resolve) => {
      (client as unknown as { client: import('@grpc/grpc-js').Client }).client.makeUnaryRequest('/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
        (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), (err) => resolve({ code: err ? err.code : 0 }));
    });
    client.close();
    expect(r.code).toBe(GrpcCode.UNIMPLEMENTED);
  });
});

describe('HTTP bad input', () => {
  it('refuses invalid JSON with 400 and a JSON Status', async () => {
    const r = await post('/v1/traces', Buffer.from('{"resourceSpans": [ {'), { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    const status = JSON.parse(r.text);
    expect(status.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(status.message).toMatch(/JSON/i);
  });

  it('refuses JSON of the wrong shape with 400 naming the key', async () => {
    const r = await post('/v1/traces', Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', name: 'x' }] }] }] })), { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).message).toMatch(/traceId/);
  });

  it('refuses truncated and random protobuf with 400', async () => {
    const buf = valid();
    const t = await post('/v1/traces', buf.subarray(0, buf.length - 5), { 'content-type': 'application/x-protobuf' });
    expect(t.status).toBe(400);
    expect(t.headers['content-type']).toMatch(/x-protobuf/);
    expect(t.text).toMatch(/protobuf/);
    let bad = 0;
    for (let i = 0; i < 30; i++) {
      const r = await post('/v1/traces', randomBytes(10 + i * 13), { 'content-type': 'application/x-protobuf' });
      expect([200, 400]).toContain(r.status);
      if (r.status === 400) bad++;
    }
    expect(bad).toBeGreaterThan(15);
  });

  it('refuses a 100 MiB body with 413', async () => {
    const r = await post('/v1/traces', Buffer.alloc(100 * MIB), { 'content-type': 'application/x-protobuf' }).catch((e: Error) => ({ status: 0, text: e.message, headers: {} }));
    expect(r.status).toBe(413);
    expect(r.text).toMatch(/exceeds/);
    await stillServing();
  });

  it('refuses a gzip bomb with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MIB));
    expect(bomb.length).toBeLessThan(MIB);
    const r = await post('/v1/traces', bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(r.text).toMatch(/after decompression/);
    await stillServing();
  });

  it('refuses a corrupt gzip body with 400 and an unknown encoding with 415', async () => {
    const c = await post('/v1/traces', Buffer.from('not gzip at all'), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(c.status).toBe(400);
    const u = await post('/v1/traces', valid(), { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' });
    expect(u.status).toBe(415);
  });

  it('refuses a wrong content type with 415', async () => {
    const r = await post('/v1/traces', Buffer.from('hello'), { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.text).toMatch(/Content-Type/);
  });

  it('refuses a POST with no Content-Type and no body with 415 naming the accepted types', async () => {
    const r = await post('/v1/traces', Buffer.alloc(0), {});
    expect(r.status).toBe(415);
    expect(r.text).toMatch(/Content-Type/);
    expect(r.text).toMatch(/application\/x-protobuf/);
    expect(r.text).toMatch(/application\/json/);
  });

  it('refuses a known protobuf field with the wrong wire type with 400 / INVALID_ARGUMENT naming the field', async () => {
    // ResourceSpans.scope_spans (field 2) sent as a varint
    const body = Buffer.concat([valid(), Buffer.from([0x0a, 0x02, 0x10, 0x01])]);
    const h = await post('/v1/traces', body, { 'content-type': 'application/x-protobuf' });
    expect(h.status).toBe(400);
    expect(h.text).toMatch(/field 2 \(scope_spans\) with wire type 0 \(varint\)/);
    const g = await grpcClient.export('traces', body);
    expect(g.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(g.details).toMatch(/field 2 \(scope_spans\) with wire type 0 \(varint\), expected 2 \(length-delimited\)/);
  });

  it('refuses other methods with 405 and Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await post('/v1/traces', Buffer.alloc(0), {}, method);
      expect(r.status).toBe(405);
      expect(r.headers['allow']).toBe('POST');
    }
  });

  it('answers 404 on unknown paths', async () => {
    const r = await post('/v1/nope', valid(), { 'content-type': 'application/x-protobuf' });
    expect(r.status).toBe(404);
  });

  it('accepts gzip bodies and an empty request', async () => {
    const g = await post('/v1/traces', gzipSync(valid()), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(g.status).toBe(200);
    const e = await post('/v1/traces', Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    expect(e.status).toBe(200);
    const j = await post('/v1/traces', Buffer.from('{}'), { 'content-type': 'application/json' });
    expect(j.status).toBe(200);
    expect(j.text).toBe('{}');
    await stillServing();
  });
});

describe('self-telemetry', () => {
  it('counts accepted spans and refused requests by transport and reason at /metrics', async () => {
    const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
    /** The value of the series `name` whose labels include every pair given. */
    const value = (name: string, labels: Record<string, string>) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
    };
    expect(value('outrider_receiver_accepted_spans_total', { transport: 'grpc' })).toBeGreaterThan(0);
    expect(value('outrider_receiver_accepted_spans_total', { transport: 'http' })).toBeGreaterThan(0);
    expect(value('outrider_receiver_refused_requests_total', { transport: 'grpc', reason: 'invalid_data' })).toBeGreaterThan(25);
    expect(value('outrider_receiver_refused_requests_total', { transport: 'http', reason: 'too_large' })).toBeGreaterThanOrEqual(2);
    expect(value('outrider_receiver_refused_requests_total', { transport: 'http', reason: 'unsupported_media' })).toBeGreaterThanOrEqual(2);
    expect(value('outrider_receiver_refused_requests_total', { transport: 'http', reason: 'method_not_allowed' })).toBe(3);
  });
});

describe('partial success', () => {
  it('rejects spans with invalid ids, keeps the rest, and says so in partial_success', async () => {
    const before = sink.count('traces');
    const td = makeTraces(4, 'partial');
    const spans = td.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans[1]!.traceId = new Uint8Array(16);   // all zero
    spans[2]!.spanId = new Uint8Array(0);     // missing
    const g = await grpcClient.export('traces', encodeTracesRequest(td));
    expect(g.code).toBe(GrpcCode.OK);
    expect(decodeExportResponse(g.response!)).toEqual({ rejected: 2, errorMessage: expect.stringMatching(/2 span\(s\) rejected/) });
    await sink.waitFor('traces', before + 2);

    const json = { resourceSpans: [{ scopeSpans: [{ spans: [
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'ok' },
      { traceId: '', spanId: 'b7ad6b7169203331', name: 'no trace id' },
    ] }] }] };
    const h = await post('/v1/traces', Buffer.from(JSON.stringify(json)), { 'content-type': 'application/json' });
    expect(h.status).toBe(200);
    expect(JSON.parse(h.text)).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('trace_id') } });
    await sink.waitFor('traces', before + 3);
  });

  it('rejects only the spans with a 15- or 17-byte trace id or a 3-byte parent id, on gRPC, HTTP protobuf and HTTP JSON', async () => {
    const before = sink.count('traces');
    const td = makeTraces(5, 'sizes');
    const spans = td.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans[0]!.traceId = new Uint8Array(15).fill(7);
    spans[1]!.traceId = new Uint8Array(17).fill(7);
    spans[2]!.parentSpanId = new Uint8Array(3).fill(7);
    const buf = encodeTracesRequest(td);
    const g = await grpcClient.export('traces', buf);
    expect(g.code).toBe(GrpcCode.OK);
    expect(decodeExportResponse(g.response!)).toEqual({ rejected: 3, errorMessage: expect.stringMatching(/3 span\(s\) rejected.*parent_span_id/) });
    await sink.waitFor('traces', before + 2);

    const h = await post('/v1/traces', Buffer.from(buf), { 'content-type': 'application/x-protobuf' });
    expect(h.status).toBe(200);
    await sink.waitFor('traces', before + 4);

    const json = { resourceSpans: [{ scopeSpans: [{ spans: [
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'ok' },
      { traceId: '0af7651916cd43dd8448eb211c8031', spanId: 'b7ad6b7169203331', name: '15-byte trace id' },
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', parentSpanId: 'abcdef', name: '3-byte parent' },
    ] }] }] };
    const j = await post('/v1/traces', Buffer.from(JSON.stringify(json)), { 'content-type': 'application/json' });
    expect(j.status).toBe(200);
    expect(JSON.parse(j.text)).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: expect.stringContaining('parent_span_id') } });
    await sink.waitFor('traces', before + 5);
  });
});

// The OTLP/gRPC server at the HTTP/2 level: what it answers to calls a gRPC library would not send
// (wrong method, media type, framing, encodings), deadlines, resets, and that it keeps serving.
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../agent/agent.js';
import type { ExporterFactory } from '../../agent/component.js';
import { configFromSchema, once } from '../../agent/component.js';
import { GrpcCode } from '../../agent/errors.js';
import { framePrefix, frameMessage } from '../../agent/grpc/wire.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import { sinkConfig } from '../../test/kit/config.js';
import { makeTestCerts } from '../../test/kit/exporter-testing.js';
import { createSink } from '../../test/kit/sink.js';
import { makeTraces } from '../../test/kit/gen.js';
import { until } from '../../test/kit/until.js';
import type { OtlpReceiver } from './otlp.js';

const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** An exporter that holds every consume until `release()`, counting spans. */
function holdingExporter() {
  const state = { held: [] as Array<() => void>, holding: false, spans: 0 };
  const factory: ExporterFactory = {
    kind: 'exporter', type: 'hold', signals: ['traces'],
    ...configFromSchema('hold', z.strictObject({})),
    create: () => ({
      traces: {
        mutates: false,
        consume: async (td) => {
          if (state.holding) await new Promise<void>((resolve) => state.held.push(resolve));
          state.spans += td.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);
        },
      },
      start: async () => {}, shutdown: once(async () => {}),
    }),
  };
  return { state, factory, release: () => { state.holding = false; for (const r of state.held.splice(0)) r(); } };
}

interface Answer { status: number; headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders; body: Buffer; rst?: number }

let agent: Agent;
let address: string;
let hold: ReturnType<typeof holdingExporter>;
let session: http2.ClientHttp2Session;

beforeAll(async () => {
  hold = holdingExporter();
  const config = sinkConfig({ processors: {} });
  config.exporters = { hold: {} } as never;
  config.service.pipelines = { traces: { receivers: ['otlp'], processors: [], exporters: ['hold'] } } as never;
  (config.receivers.otlp.protocols as Record<string, Record<string, unknown>>).grpc!.max_recv_msg_size_mib = 1;
  agent = await Agent.start(config, { factories: [hold.factory] });
  address = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!;
  session = http2.connect(`http://${address}`);
});
afterAll(async () => {
  session?.close();
  await agent?.stop();
});

/** One HTTP/2 request with the given headers and DATA chunks (written one by one). */
function call(headers: http2.OutgoingHttpHeaders, chunks: Buffer[], opts: { resetAfterMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const s = session.request({ ':method': 'POST', ':path': TRACES, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    const answer: Answer = { status: 0, headers: {}, trailers: {}, body: Buffer.alloc(0) };
    const body: Buffer[] = [];
    s.on('response', (h) => { answer.status = Number(h[':status']); answer.headers = h; });
    s.on('trailers', (t) => { answer.trailers = t; });
    s.on('data', (c: Buffer) => body.push(c));
    s.on('error', () => undefined);
    s.on('close', () => { answer.body = Buffer.concat(body); answer.rst = s.rstCode; resolve(answer); });
    for (const c of chunks) s.write(c);
    if (opts.resetAfterMs !== undefined) setTimeout(() => s.close(http2.constants.NGHTTP2_CANCEL), opts.resetAfterMs);
    else s.end();
  });
}

/** The gRPC status of an answer: trailers, or the headers of a trailers-only answer. */
const grpcStatus = (a: Answer) => Number(a.trailers['grpc-status'] ?? a.headers['grpc-status']);
const grpcMessage = (a: Answer) => decodeURIComponent(String(a.trailers['grpc-message'] ?? a.headers['grpc-message'] ?? ''));
const request = (n = 3) => Buffer.from(encodeTracesRequest(makeTraces(n, 'grpc-server')));

async function stillServing(): Promise<void> {
  const before = hold.state.spans;
  const a = await call({}, [frameMessage(request(2))]);
  expect(grpcStatus(a)).toBe(GrpcCode.OK);
  expect(hold.state.spans).toBe(before + 2);
}

describe('OTLP/gRPC server', () => {
  it('answers a call with an empty message and status OK in trailers', async () => {
    const a = await call({}, [frameMessage(request(3))]);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/grpc');
    expect(a.body).toEqual(Buffer.from([0, 0, 0, 0, 0]));
    expect(a.trailers['grpc-status']).toBe('0');
  });

  it('reads a message split over many DATA frames, one byte of prefix at a time', async () => {
    const framed = frameMessage(request(5));
    const chunks: Buffer[] = [...framed.subarray(0, 5)].map((b) => Buffer.of(b));
    for (let at = 5; at < framed.length; at += 97) chunks.push(framed.subarray(at, at + 97));
    const before = hold.state.spans;
    expect(grpcStatus(await call({}, chunks))).toBe(GrpcCode.OK);
    expect(hold.state.spans).toBe(before + 5);
  });

  it('inflates gzip and deflate messages', async () => {
    for (const [enc, z] of [['gzip', gzipSync], ['deflate', deflateSync]] as const) {
      const body = Buffer.from(z(request(4)));
      const a = await call({ 'grpc-encoding': enc }, [Buffer.concat([framePrefix(body.length, true), body])]);
      expect(grpcStatus(a), enc).toBe(GrpcCode.OK);
    }
  });

  it('refuses what is not a gRPC call: a GET with 405, a wrong content-type with 415', async () => {
    const g = await call({ ':method': 'GET' }, []);
    expect(g.status).toBe(405);
    const t = await call({ 'content-type': 'application/json' }, [Buffer.from('{}')]);
    expect(t.status).toBe(415);
    expect(grpcMessage(t)).toMatch(/content-type 'application\/json'.*application\/grpc/);
    await stillServing();
  });

  it('answers UNIMPLEMENTED for an unknown method, naming the served ones', async () => {
    const a = await call({ ':path': '/grpc.health.v1.Health/Check' }, [frameMessage(Buffer.alloc(0))]);
    expect(a.status).toBe(200);
    expect(grpcStatus(a)).toBe(GrpcCode.UNIMPLEMENTED);
    expect(grpcMessage(a)).toMatch(/unknown method \/grpc\.health\.v1\.Health\/Check.*TraceService\/Export/);
  });

  it('refuses an unknown grpc-encoding, saying which it accepts', async () => {
    const a = await call({ 'grpc-encoding': 'snappy' }, [frameMessage(request())]);
    expect(grpcStatus(a)).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(grpcMessage(a)).toMatch(/grpc-encoding 'snappy'/);
    expect(a.headers['grpc-accept-encoding']).toBe('identity,gzip,deflate');
  });

  it('refuses broken framing with INVALID_ARGUMENT: compressed without an encoding, two messages, none, a cut frame, a bad flag', async () => {
    const m = request();
    const cases: Array<[Buffer[], RegExp]> = [
      [[Buffer.concat([framePrefix(m.length, true), m])], /compressed message on a call without grpc-encoding/],
      [[frameMessage(m), frameMessage(m)], /more than one request message/],
      [[], /no request message/],
      [[frameMessage(m).subarray(0, 40)], /ended inside its gRPC message frame \(35 of \d+ bytes\)/],
      [[Buffer.of(0, 0)], /ended inside its gRPC message frame/],
      [[Buffer.concat([Buffer.of(7, 0, 0, 0, 1), Buffer.of(0)])], /compressed flag 7/],
    ];
    for (const [chunks, message] of cases) {
      const a = await call({}, chunks);
      expect(grpcStatus(a), String(message)).toBe(GrpcCode.INVALID_ARGUMENT);
      expect(grpcMessage(a)).toMatch(message);
    }
    await stillServing();
  });

  it('refuses a message over max_recv_msg_size_mib from its prefix, and a gzip bomb after inflating', async () => {
    const big = await call({}, [framePrefix(2 * 1024 * 1024), Buffer.alloc(64 * 1024)]);
    expect(grpcStatus(big)).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    expect(grpcMessage(big)).toBe('Received message larger than max (2097152 vs. 1048576)');
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    const b = await call({ 'grpc-encoding': 'gzip' }, [Buffer.concat([framePrefix(bomb.length, true), bomb])]);
    expect(grpcStatus(b)).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    expect(grpcMessage(b)).toMatch(/after decompression/);
    await stillServing();
  });

  it('answers DEADLINE_EXCEEDED when grpc-timeout passes before the pipelines accept', async () => {
    hold.state.holding = true;
    const before = hold.state.spans;
    const a = await call({ 'grpc-timeout': '150m' }, [frameMessage(request(2))]);
    expect(grpcStatus(a)).toBe(GrpcCode.DEADLINE_EXCEEDED);
    expect(grpcMessage(a)).toMatch(/grpc-timeout of 150 ms/);
    // what the pipelines took in after the deadline is kept (the sender retries: at least once)
    hold.release();
    await until(() => hold.state.spans === before + 2);
    await stillServing();
  });

  it('counts a call the client reset mid-message as aborted, and keeps serving', async () => {
    const framed = frameMessage(request(50));
    const a = await call({}, [framed.subarray(0, 100)], { resetAfterMs: 20 });
    expect(a.rst).toBe(http2.constants.NGHTTP2_CANCEL);
    await until(async () => {
      const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
      return text.split('\n').some((l) => l.startsWith('outrider_receiver_refused_requests_total{') && l.includes('transport="grpc"') && l.includes('reason="aborted"') && !l.endsWith(' 0'));
    });
    await stillServing();
  });

  it('percent-encodes a grpc-message outside printable ASCII', async () => {
    const a = await call({ ':path': '/é/Export' }, [frameMessage(Buffer.alloc(0))]);
    expect(String(a.headers['grpc-message'])).toMatch(/%C3%A9/);
    expect(grpcMessage(a)).toMatch(/unknown method \/é\/Export/);
  });

  it('counts every refusal by its reason at /metrics', async () => {
    const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
    const count = (reason: string) => Number(text.split('\n').find((l) => l.startsWith('outrider_receiver_refused_requests_total{') && l.includes('transport="grpc"') && l.includes(`reason="${reason}"`))?.split(' ').pop() ?? 0);
    expect(count('too_large')).toBe(2);
    expect(count('unsupported_media')).toBe(2);
    expect(count('method_not_allowed')).toBe(3);
    expect(count('invalid_data')).toBe(6);
    expect(count('timeout')).toBe(1);
    expect(count('aborted')).toBe(1);
  });
});

describe('OTLP/gRPC server with TLS', () => {
  it('serves TLS, and with client_ca_file takes only clients whose certificate that CA signed (a gRPC library client)', async () => {
    const certs = makeTestCerts();
    const config = sinkConfig({ processors: {} });
    const sink = createSink();
    (config.receivers.otlp.protocols as Record<string, Record<string, unknown>>).grpc!.tls = { cert_file: certs.serverCert, key_file: certs.serverKey, client_ca_file: certs.caFile };
    const a = await Agent.start(config, { factories: [sink.factory] });
    const target = a.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!.replace('127.0.0.1', 'localhost');
    const ca = readFileSync(certs.caFile);
    const exportWith = (creds: grpc.ChannelCredentials) => new Promise<number>((resolve) => {
      const client = new grpc.Client(target, creds);
      client.makeUnaryRequest(TRACES, (b: Buffer) => b, (b: Buffer) => b, request(2), new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err) => {
        client.close();
        resolve(err ? err.code : 0);
      });
    });
    try {
      expect(await exportWith(grpc.credentials.createSsl(ca, readFileSync(certs.clientKey), readFileSync(certs.clientCert)))).toBe(GrpcCode.OK);
      await sink.waitFor('traces', 2);
      expect(await exportWith(grpc.credentials.createSsl(ca))).toBe(GrpcCode.UNAVAILABLE);
      expect(sink.count('traces')).toBe(2);
    } finally {
      await a.stop();
    }
  });
});

describe('OTLP/gRPC server on a host name', () => {
  it('listens on every address of localhost, on one port', async () => {
    const config = sinkConfig({ processors: {} });
    const sink = createSink();
    (config.receivers.otlp.protocols as Record<string, Record<string, unknown>>).grpc!.endpoint = 'localhost:0';
    const a = await Agent.start(config, { factories: [sink.factory] });
    try {
      const port = a.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!.split(':').pop();
      const addresses = [...new Set((await lookup('localhost', { all: true })).map((x) => x.address))];
      for (const address of addresses) {
        const s = http2.connect(`http://${address.includes(':') ? `[${address}]` : address}:${port}`);
        const status = await new Promise<string>((resolve) => {
          const st = s.request({ ':method': 'POST', ':path': TRACES, 'content-type': 'application/grpc' });
          let code = '';
          st.on('response', (h) => { code = String(h['grpc-status'] ?? code); });
          st.on('trailers', (h) => { code = String(h['grpc-status']); });
          st.on('close', () => resolve(code));
          st.resume();
          st.end(frameMessage(request(1)));
        });
        s.close();
        expect(status, address).toBe('0');
      }
      expect(sink.count('traces')).toBe(addresses.length);
    } finally {
      await a.stop();
    }
  });
});

// The OTLP/gRPC transport against HTTP/2 servers that answer what a gRPC server would not (or not
// at all): each failure classified as the Collector's exporter classifies it, the connection made
// again after the server goes away.
import http2 from 'node:http2';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportSendError } from '../../agent/exporterhelper/classify.js';
import { GrpcCode } from '../../agent/errors.js';
import { frameMessage } from '../../agent/grpc/wire.js';
import { encodeExportResponse } from '../../agent/pdata/proto-encode.js';
import { otlpExporterFactory } from './index.js';
import { GrpcTransport } from './grpc-transport.js';

type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, body: Buffer) => void;

const servers: http2.Http2Server[] = [];
const transports: GrpcTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  for (const s of servers.splice(0)) s.close();
});

/** A plaintext HTTP/2 server answering each stream, once its body is in, with `handler`. */
async function server(handler: Handler): Promise<{ port: number; sessions: number }> {
  const out = { port: 0, sessions: 0 };
  const s = http2.createServer();
  s.on('session', () => { out.sessions++; });
  s.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => handler(stream, headers, Buffer.concat(chunks)));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  out.port = (s.address() as net.AddressInfo).port;
  return out;
}

function transport(port: number, config: Record<string, unknown> = {}): GrpcTransport {
  const t = new GrpcTransport('otlp/test', otlpExporterFactory.parse({ endpoint: `127.0.0.1:${port}`, tls: { insecure: true }, ...config }) as never);
  transports.push(t);
  return t;
}

const body = Buffer.from('\x0a\x00'); // one empty ResourceSpans
const send = (t: GrpcTransport, timeoutMs = 2000, signal?: AbortSignal) =>
  t.send({ signal: 'traces', items: 1, body }, { timeoutMs, signal }).then(() => undefined, (e: ExportSendError) => e);
const ok = (stream: http2.ServerHttp2Stream, message: Uint8Array = new Uint8Array(0)) => {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(frameMessage(message));
};

describe('OTLP/gRPC transport', () => {
  it('sends one framed message with the gRPC headers and reads a partial success', async () => {
    const seen: Array<{ headers: http2.IncomingHttpHeaders; body: Buffer }> = [];
    const s = await server((stream, headers, b) => { seen.push({ headers, body: b }); ok(stream, encodeExportResponse(3, 'three bad spans')); });
    const t = transport(s.port, { headers: { 'X-Tenant': 'a' }, compression: 'none' });
    await expect(t.send({ signal: 'traces', items: 1, body }, { timeoutMs: 1500 })).resolves.toEqual({ rejected: 3, errorMessage: 'three bad spans' });
    const { headers, body: b } = seen[0]!;
    expect(headers[':path']).toBe('/opentelemetry.proto.collector.trace.v1.TraceService/Export');
    expect(headers['content-type']).toBe('application/grpc');
    expect(headers.te).toBe('trailers');
    expect(headers['x-tenant']).toBe('a');
    expect(headers['grpc-timeout']).toBe('1500m');
    expect(b).toEqual(frameMessage(body));
  });

  it('compresses with gzip when configured, flagged in the frame and in grpc-encoding', async () => {
    const seen: Array<{ headers: http2.IncomingHttpHeaders; body: Buffer }> = [];
    const s = await server((stream, headers, b) => { seen.push({ headers, body: b }); ok(stream); });
    await expect(send(transport(s.port, { compression: 'gzip' }))).resolves.toBeUndefined();
    expect(seen[0]!.headers['grpc-encoding']).toBe('gzip');
    expect(seen[0]!.body[0]).toBe(1);
    expect(gunzipSync(seen[0]!.body.subarray(5))).toEqual(body);
  });

  it('classifies a gRPC status from trailers-only answers, with the message and a RetryInfo', async () => {
    const s = await server((stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(GrpcCode.INVALID_ARGUMENT), 'grpc-message': 'bad%20span%C3%A9' }, { endStream: true }));
    const e = await send(transport(s.port));
    expect(e?.failure).toBe('grpc INVALID_ARGUMENT');
    expect(e?.message).toBe('grpc INVALID_ARGUMENT: bad spané');
    expect(e?.retryable).toBe(false);
  });

  it('maps an HTTP error without a gRPC status (a proxy) by the gRPC protocol: 503 is UNAVAILABLE, retryable; 401 UNAUTHENTICATED', async () => {
    const s = await server((stream, headers) => {
      stream.respond({ ':status': headers['x-status'] === '401' ? 401 : 503, 'content-type': 'text/plain' });
      stream.end('upstream down');
    });
    const e = await send(transport(s.port));
    expect(e?.failure).toBe('grpc UNAVAILABLE');
    expect(e?.message).toMatch(/HTTP 503, not gRPC/);
    expect(e?.retryable).toBe(true);
    const u = await send(transport(s.port, { headers: { 'x-status': '401' } }));
    expect(u?.failure).toBe('grpc UNAUTHENTICATED');
    expect(u?.retryable).toBe(false);
  });

  it('an answer with no grpc-status is UNKNOWN (permanent); a stream the server refuses is UNAVAILABLE', async () => {
    const s = await server((stream, headers) => {
      if (headers['x-refuse']) return stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      stream.end(frameMessage(new Uint8Array(0)));
    });
    const e = await send(transport(s.port));
    expect(e?.failure).toBe('grpc UNKNOWN');
    expect(e?.message).toMatch(/without a grpc-status/);
    const r = await send(transport(s.port, { headers: { 'x-refuse': '1' } }));
    expect(r?.failure).toBe('grpc UNAVAILABLE');
    expect(r?.retryable).toBe(true);
  });

  it('stops reading an answer larger than 4 MiB (RESOURCE_EXHAUSTED, not retried)', async () => {
    const s = await server((stream) => ok(stream, new Uint8Array(5 * 1024 * 1024)));
    const e = await send(transport(s.port));
    expect(e?.failure).toBe('grpc RESOURCE_EXHAUSTED');
    expect(e?.message).toMatch(/answer is larger than max/);
    expect(e?.retryable).toBe(false);
  });

  it('ends a call the server does not answer at its deadline (DEADLINE_EXCEEDED, retryable), and cancels on abort', async () => {
    const s = await server(() => undefined);
    const t = transport(s.port);
    const e = await send(t, 150);
    expect(e?.failure).toBe('grpc DEADLINE_EXCEEDED');
    expect(e?.retryable).toBe(true);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const c = await send(t, 5000, ac.signal);
    expect(c?.failure).toBe('grpc CANCELLED');
  });

  it('says UNAVAILABLE with the cause when nothing listens, and connects once the server is up', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t = transport(port);
    const e = await send(t);
    expect(e?.failure).toBe('grpc UNAVAILABLE');
    expect(e?.message).toMatch(/ECONNREFUSED/);
    expect(e?.retryable).toBe(true);
    const s = http2.createServer();
    servers.push(s);
    s.on('stream', (stream) => { stream.resume(); stream.on('end', () => ok(stream)); });
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
    await expect(send(t)).resolves.toBeUndefined();
  });

  it('a call cancelled while its TLS connection is still being made does not throw when the connection fails', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t = new GrpcTransport('otlp/test', otlpExporterFactory.parse({ endpoint: `127.0.0.1:${port}`, tls: { insecure_skip_verify: true } }) as never);
    transports.push(t);
    for (let i = 0; i < 20; i++) {
      const ac = new AbortController();
      const pending = send(t, 2000, ac.signal);
      ac.abort();
      expect((await pending)?.failure).toMatch(/grpc (CANCELLED|UNAVAILABLE)/);
      expect((await send(t, 2000, ac.signal))?.failure).toBe('grpc CANCELLED');
    }
    // an unhandled 'error' would surface as an uncaught exception after the test
    await new Promise((r) => setTimeout(r, 50));
  });

  it('opens a new connection after the server sends GOAWAY', async () => {
    const s = await server((stream) => { ok(stream); stream.session?.close(); });
    const t = transport(s.port);
    for (let i = 0; i < 3; i++) await expect(send(t)).resolves.toBeUndefined();
    expect(s.sessions).toBe(3);
  });
});

describe('OTLP/gRPC transport, dead connections', () => {
  it('drops a connection that stops answering (no PING answer after a deadline) and dials again', async () => {
    // a TCP proxy whose connections can go silent: no more forwarding either way, socket kept open
    const silenced = new Set<net.Socket>();
    const connections: net.Socket[] = [];
    const s = await server((stream) => ok(stream));
    const proxy = net.createServer((down) => {
      connections.push(down);
      const up = net.connect(s.port, '127.0.0.1');
      down.on('data', (d) => { if (!silenced.has(down)) up.write(d); });
      up.on('data', (d) => { if (!silenced.has(down)) down.write(d); });
      down.on('error', () => up.destroy());
      up.on('error', () => down.destroy());
      down.on('close', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const t = transport((proxy.address() as net.AddressInfo).port);
      await expect(send(t)).resolves.toBeUndefined();
      silenced.add(connections[0]!);
      expect((await send(t, 200))?.failure).toBe('grpc DEADLINE_EXCEEDED');
      // the silent connection is dropped within the PING timeout; the next attempt dials anew
      const deadline = Date.now() + 8000;
      let e: ExportSendError | undefined = await send(t, 500);
      while (e !== undefined && Date.now() < deadline) e = await send(t, 500);
      expect(e).toBeUndefined();
      expect(connections.length).toBe(2);
    } finally {
      proxy.close();
    }
  }, 15_000);
});

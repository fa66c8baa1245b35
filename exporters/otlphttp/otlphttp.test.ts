// Integration: the otlphttp exporter against real node http/https servers decoding with the agent's decoder.
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeRpcStatus } from '../../agent/pdata/rpc-status.js';
import { makeTestCerts, sampleTraces, exporterTestSettings, type TestCerts } from '../../test/kit/exporter-testing.js';
import { decodeTracesRequest } from '../../agent/pdata/proto-decode.js';
import { encodeExportResponse } from '../../agent/pdata/proto-encode.js';
import { signalUrl } from './config.js';
import { otlphttpExporterFactory as f } from './index.js';
import { until } from '../../test/kit/until.js';

interface Hit { url: string; headers: http.IncomingHttpHeaders; body: Buffer; at: number }
type Answer = { status: number; headers?: Record<string, string>; body?: Uint8Array };

/** An OTLP/HTTP server on 127.0.0.1 recording every request. */
async function httpSink(answer: (hit: Hit, n: number) => Answer = () => ({ status: 200 }), tls?: { cert: string; key: string }) {
  const hits: Hit[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const hit = { url: req.url ?? '', headers: req.headers, body: req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw, at: Date.now() };
      hits.push(hit);
      const a = answer(hit, hits.length);
      res.writeHead(a.status, { 'content-type': 'application/x-protobuf', ...a.headers });
      res.end(Buffer.from(a.body ?? encodeExportResponse(0, '')));
    });
  };
  const server = tls ? https.createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { hits, port, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

let certs: TestCerts;
const cleanup: Array<() => Promise<void>> = [];
beforeAll(() => { certs = makeTestCerts(); });
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

async function exporter(config: Record<string, unknown>) {
  const t = exporterTestSettings('otlphttp/test');
  const exp = f.create(t.settings, f.parse({ retry_on_failure: { initial_interval: '50ms', max_interval: '200ms', max_elapsed_time: '5s' }, ...config }), ['traces', 'metrics', 'logs']);
  await exp.start(t.host);
  cleanup.push(() => exp.shutdown());
  return { exp, readMetrics: t.readMetrics };
}
async function sink(...args: Parameters<typeof httpSink>) {
  const s = await httpSink(...args);
  cleanup.push(s.close);
  return s;
}

describe('otlphttp exporter', () => {
  it.each(['gzip', 'none'] as const)('POSTs protobuf to /v1/traces with fields intact (compression %s)', async (compression) => {
    const s = await sink();
    const { exp, readMetrics } = await exporter({ endpoint: `http://127.0.0.1:${s.port}`, compression, headers: { Authorization: 'Bearer t0k' } });
    await exp.traces!.consume(sampleTraces(30));
    await until(() => s.hits.length === 1);
    const hit = s.hits[0]!;
    expect(hit.url).toBe('/v1/traces');
    expect(hit.headers['content-type']).toBe('application/x-protobuf');
    expect(hit.headers['content-encoding']).toBe(compression === 'gzip' ? 'gzip' : undefined);
    expect(hit.headers.authorization).toBe('Bearer t0k');
    expect(decodeTracesRequest(new Uint8Array(hit.body))).toEqual(sampleTraces(30));
    await exp.shutdown();
    expect((await readMetrics())['outrider_exporter_sent_spans{exporter=otlphttp/test}']).toBe(30);
  });

  it('with an https:// endpoint against plaintext HTTP, says the endpoint may be plaintext and http:// is the switch', async () => {
    const s = await sink();
    const t = exporterTestSettings('otlphttp/test');
    const exp = f.create(t.settings, f.parse({
      endpoint: `https://127.0.0.1:${s.port}`, sending_queue: { enabled: false }, retry_on_failure: { initial_interval: '50ms', max_elapsed_time: '200ms' },
    }), ['traces']);
    await exp.start(t.host);
    cleanup.push(() => exp.shutdown());
    const err = await exp.traces!.consume(sampleTraces(1)).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/wrong version number/i);
    expect(err?.message).toMatch(/endpoint may be plaintext.*http:\/\//);
    expect(s.hits).toHaveLength(0);
  });

  it('honours Retry-After (seconds) on 503 and retries 429 with an HTTP date', async () => {
    const s = await sink((_h, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '1' } }
      : n === 2 ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 1_000).toUTCString() } } : { status: 200 }));
    const { exp, readMetrics } = await exporter({ endpoint: `http://127.0.0.1:${s.port}` });
    await exp.traces!.consume(sampleTraces(2));
    await until(() => s.hits.length === 3, 6_000);
    expect(s.hits[1]!.at - s.hits[0]!.at).toBeGreaterThanOrEqual(950);
    expect(s.hits[2]!.at - s.hits[1]!.at).toBeGreaterThanOrEqual(10); // an HTTP date has 1 s resolution
    await exp.shutdown();
    const m = await readMetrics();
    expect(m['outrider_exporter_retries{exporter=otlphttp/test}']).toBe(2);
    expect(m['outrider_exporter_sent_spans{exporter=otlphttp/test}']).toBe(2);
  });

  it('drops a 400 after one attempt, counted as permanent', async () => {
    const s = await sink(() => ({ status: 400, body: encodeRpcStatus({ code: 3, message: 'bad span' }) }));
    const { exp, readMetrics } = await exporter({ endpoint: `http://127.0.0.1:${s.port}` });
    await exp.traces!.consume(sampleTraces(3));
    await until(() => s.hits.length === 1);
    await exp.shutdown();
    expect(s.hits).toHaveLength(1);
    expect((await readMetrics())['outrider_exporter_send_failed_spans{exporter=otlphttp/test,reason=permanent}']).toBe(3);
  });

  it('reads partial success from the response', async () => {
    const s = await sink(() => ({ status: 200, body: encodeExportResponse(1, 'one span too old') }));
    const { exp, readMetrics } = await exporter({ endpoint: `http://127.0.0.1:${s.port}` });
    await exp.traces!.consume(sampleTraces(4));
    await until(() => s.hits.length === 1);
    await exp.shutdown();
    const m = await readMetrics();
    expect(m['outrider_exporter_sent_spans{exporter=otlphttp/test}']).toBe(3);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlphttp/test,reason=rejected}']).toBe(1);
  });

  it('uses per-signal URLs and HTTPS verified against ca_file', async () => {
    const s = await sink(undefined, { cert: certs.serverCert, key: certs.serverKey });
    const { exp } = await exporter({ endpoint: `https://localhost:${s.port}/otlp`, logs_endpoint: `https://localhost:${s.port}/custom/logs`, tls: { ca_file: certs.caFile } });
    await exp.traces!.consume(sampleTraces(1));
    await exp.logs!.consume({ resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [{ scope: null, schemaUrl: '', logRecords: [
      { timeUnixNano: 1n, observedTimeUnixNano: 1n, severityNumber: 9, severityText: 'INFO', body: 'hi', attributes: [], droppedAttributesCount: 0, flags: 0, traceId: new Uint8Array(0), spanId: new Uint8Array(0), eventName: '' },
    ] }] }] });
    await until(() => s.hits.length === 2);
    expect(s.hits.map((h) => h.url).sort()).toEqual(['/custom/logs', '/otlp/v1/traces']);
  });

  it('has defaults and validates URLs', () => {
    const c = f.createDefaultConfig();
    expect(c.endpoint).toBe('http://localhost:4318');
    expect(signalUrl(c, 'metrics').href).toBe('http://localhost:4318/v1/metrics');
    expect(f.validate({ endpoint: 'localhost:4318', traces_endpoint: 'ftp://x' }).map((p) => p.path)).toEqual(['endpoint', 'traces_endpoint']);
  });
});

// Integration: the otlp exporter against a real @grpc/grpc-js server decoding with the agent's decoder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GrpcCode } from '../../agent/errors.js';
import { encodeRpcStatus } from '../../agent/pdata/rpc-status.js';
import { makeTestCerts, sampleTraces, exporterTestSettings, type TestCerts } from '../../test/kit/exporter-testing.js';
import type { LogsData, MetricsData } from '../../agent/pdata/model.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import { startGrpcSink, type GrpcSink, type GrpcSinkOptions } from '../../test/kit/grpc-sink.js';
import { otlpExporterFactory } from './index.js';
import { until } from '../../test/kit/until.js';

let certs: TestCerts;
const open: Array<{ shutdown(): Promise<void> } | GrpcSink> = [];

beforeAll(() => { certs = makeTestCerts(); });
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await ('shutdown' in x ? x.shutdown() : x.close());
});

async function sink(opts: GrpcSinkOptions = {}): Promise<GrpcSink> {
  const s = await startGrpcSink(opts);
  open.push(s);
  return s;
}

async function exporter(config: Record<string, unknown>, signals: Array<'traces' | 'metrics' | 'logs'> = ['traces']) {
  const t = exporterTestSettings('otlp/test');
  const cfg = otlpExporterFactory.parse({ retry_on_failure: { initial_interval: '50ms', max_interval: '200ms', max_elapsed_time: '3s' }, ...config });
  const exp = otlpExporterFactory.create(t.settings, cfg, signals);
  await exp.start(t.host);
  open.push(exp);
  return { exp, readMetrics: t.readMetrics };
}


/** A TCP proxy on 127.0.0.1 counting the bytes clients send upstream. */
async function countingProxy(upstream: number) {
  let up = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const target = net.connect(upstream, '127.0.0.1');
    sockets.add(client).add(target);
    client.on('data', (d: Buffer) => { up += d.length; });
    client.pipe(target).pipe(client);
    const end = () => { client.destroy(); target.destroy(); };
    client.on('error', end).on('close', end);
    target.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    bytesUp: () => up,
    close: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

const metricsData: MetricsData = { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: 'checkout' }], droppedAttributesCount: 0 }, schemaUrl: '', scopeMetrics: [{ scope: null, schemaUrl: '', metrics: [
  { name: 'http.server.duration', description: 'd', unit: 'ms', metadata: [], data: { type: 'histogram', aggregationTemporality: 2, dataPoints: [
    { attributes: [{ key: 'route', value: '/a' }], startTimeUnixNano: 1n, timeUnixNano: 2n, count: 3, sum: 12.5, bucketCounts: [1, 2], explicitBounds: [5], exemplars: [], flags: 0, min: 1, max: 9 },
  ] } },
  { name: 'requests', description: '', unit: '1', metadata: [], data: { type: 'sum', aggregationTemporality: 1, isMonotonic: true, dataPoints: [
    { attributes: [], startTimeUnixNano: 1n, timeUnixNano: 2n, value: 42n, exemplars: [], flags: 0 },
  ] } },
] }] }] };

const logsData: LogsData = { resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [{ scope: null, schemaUrl: '', logRecords: [
  { timeUnixNano: 5n, observedTimeUnixNano: 6n, severityNumber: 17, severityText: 'ERROR', body: 'payment failed', attributes: [{ key: 'order', value: 7n }],
    droppedAttributesCount: 0, flags: 1, traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), eventName: '' },
] }] }] };

describe('otlp exporter over gRPC', () => {
  it.each(['gzip', 'none'] as const)('delivers spans with every field intact (compression %s)', async (compression) => {
    const s = await sink();
    const proxy = await countingProxy(s.port);
    const { exp, readMetrics } = await exporter({ endpoint: `127.0.0.1:${proxy.port}`, tls: { insecure: true }, compression });
    const td = sampleTraces(200);
    const encodedBytes = encodeTracesRequest(td).byteLength;
    await exp.traces!.consume(td);
    await until(() => s.spans() === 200);
    expect(s.traces[0]).toEqual(sampleTraces(200));
    // the grpc-js server hides grpc-encoding from handlers, so look at the wire instead
    if (compression === 'gzip') expect(proxy.bytesUp()).toBeLessThan(encodedBytes / 4);
    else expect(proxy.bytesUp()).toBeGreaterThan(encodedBytes);
    await exp.shutdown();
    await proxy.close();
    expect((await readMetrics())['outrider_exporter_sent_spans{exporter=otlp/test}']).toBe(200);
  });

  it('delivers metrics and logs on their own services', async () => {
    const s = await sink();
    const { exp, readMetrics } = await exporter({ endpoint: `http://127.0.0.1:${s.port}` }, ['metrics', 'logs']);
    expect(exp.traces).toBeUndefined();
    await exp.metrics!.consume(metricsData);
    await exp.logs!.consume(logsData);
    await until(() => s.metrics.length === 1 && s.logs.length === 1);
    expect(s.metrics[0]).toEqual(metricsData);
    expect(s.logs[0]).toEqual(logsData);
    await exp.shutdown();
    const m = await readMetrics();
    expect(m['outrider_exporter_sent_metric_points{exporter=otlp/test}']).toBe(2);
    expect(m['outrider_exporter_sent_log_records{exporter=otlp/test}']).toBe(1);
  });

  it('sends custom headers as metadata, with the outrider user agent', async () => {
    const s = await sink();
    const { exp } = await exporter({ endpoint: `127.0.0.1:${s.port}`, tls: { insecure: true }, headers: { 'X-Api-Key': 'secret-1', tenant: 'team-a' } });
    await exp.traces!.consume(sampleTraces(1));
    await until(() => s.calls.length === 1);
    const md = s.calls[0]!.metadata;
    expect(md.get('x-api-key')).toEqual(['secret-1']);
    expect(md.get('tenant')).toEqual(['team-a']);
    expect(String(md.get('user-agent')[0])).toMatch(/^outrider\//);
  });

  it('speaks TLS, verifying the server against ca_file', async () => {
    const s = await sink({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    const { exp } = await exporter({ endpoint: `localhost:${s.port}`, tls: { ca_file: certs.caFile } });
    await exp.traces!.consume(sampleTraces(3));
    await until(() => s.spans() === 3);
    expect(s.traces[0]).toEqual(sampleTraces(3));
  });

  it('presents a client certificate for mTLS', async () => {
    const s = await sink({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caFile } });
    const { exp } = await exporter({ endpoint: `https://127.0.0.1:${s.port}`, tls: { ca_file: certs.caFile, cert_file: certs.clientCert, key_file: certs.clientKey } });
    await exp.traces!.consume(sampleTraces(2));
    await until(() => s.spans() === 2);
  });

  it('with TLS (the default) against a plaintext endpoint, says the endpoint may be plaintext and tls.insecure: true is the switch', async () => {
    const s = await sink();
    const t = exporterTestSettings('otlp/test');
    const lines: string[] = [];
    t.settings.logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } });
    const exp = otlpExporterFactory.create(t.settings, otlpExporterFactory.parse({
      endpoint: `127.0.0.1:${s.port}`, sending_queue: { enabled: false }, retry_on_failure: { initial_interval: '50ms', max_elapsed_time: '200ms' },
    }), ['traces']);
    await exp.start(t.host);
    open.push(exp);
    const err = await exp.traces!.consume(sampleTraces(1)).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/wrong version number|ssl|tls/i);
    expect(err?.message).toMatch(/endpoint may be plaintext.*tls\.insecure: true/);
    expect(lines.join('\n')).toMatch(/endpoint may be plaintext.*tls\.insecure: true/);
    expect(s.spans()).toBe(0);
  });

  it('refuses an unverifiable server (retryable), unless insecure_skip_verify', async () => {
    const s = await sink({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    const strict = await exporter({ endpoint: `localhost:${s.port}`, retry_on_failure: { initial_interval: '50ms', max_elapsed_time: '300ms' } });
    await strict.exp.traces!.consume(sampleTraces(2));
    // retries run out after 300 ms
    await until(async () => (await strict.readMetrics())['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=retries_exhausted}'] === 2, 5_000);
    expect(s.spans()).toBe(0);
    const m = await strict.readMetrics();
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=retries_exhausted}']).toBe(2);
    expect(m['outrider_exporter_retries{exporter=otlp/test}']).toBeGreaterThan(0);

    const lax = await exporter({ endpoint: `localhost:${s.port}`, tls: { insecure_skip_verify: true } });
    await lax.exp.traces!.consume(sampleTraces(2));
    await until(() => s.spans() === 2);
  });

  it('drops INVALID_ARGUMENT after one attempt and counts it with reason permanent', async () => {
    const s = await sink({ answer: () => ({ ok: false, code: GrpcCode.INVALID_ARGUMENT, message: 'bad trace id' }) });
    const { exp, readMetrics } = await exporter({ endpoint: `127.0.0.1:${s.port}`, tls: { insecure: true } });
    await exp.traces!.consume(sampleTraces(4));
    await until(() => s.calls.length === 1);
    await exp.shutdown();
    expect(s.calls).toHaveLength(1);
    const m = await readMetrics();
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=permanent}']).toBe(4);
    expect(m['outrider_exporter_retries{exporter=otlp/test}']).toBeUndefined();
  });

  it('RESOURCE_EXHAUSTED: permanent without RetryInfo, retried after its delay with it', async () => {
    const plain = await sink({ answer: () => ({ ok: false, code: GrpcCode.RESOURCE_EXHAUSTED, message: 'too large' }) });
    const a = await exporter({ endpoint: `127.0.0.1:${plain.port}`, tls: { insecure: true } });
    await a.exp.traces!.consume(sampleTraces(1));
    await until(() => plain.calls.length === 1);
    await a.exp.shutdown();
    expect((await a.readMetrics())['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=permanent}']).toBe(1);

    const times: number[] = [];
    const throttled = await sink({
      answer: () => {
        times.push(Date.now());
        return times.length === 1
          ? { ok: false, code: GrpcCode.RESOURCE_EXHAUSTED, message: 'slow down', statusDetailsBin: encodeRpcStatus({ code: GrpcCode.RESOURCE_EXHAUSTED, message: 'slow down', retryDelayMs: 600 }) }
          : { ok: true };
      },
    });
    const b = await exporter({ endpoint: `127.0.0.1:${throttled.port}`, tls: { insecure: true } });
    await b.exp.traces!.consume(sampleTraces(1));
    await until(() => throttled.spans() === 1);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(550);
    expect((await b.readMetrics())['outrider_exporter_retries{exporter=otlp/test}']).toBe(1);
  });

  it('sends a backlog in merged requests: the requests queued behind the one being retried go as one', async () => {
    const port = await new Promise<number>((resolve) => { const srv = net.createServer(); srv.listen(0, '127.0.0.1', () => { const p = (srv.address() as net.AddressInfo).port; srv.close(() => resolve(p)); }); });
    const { exp, readMetrics } = await exporter({ endpoint: `127.0.0.1:${port}`, tls: { insecure: true }, sending_queue: { num_consumers: 1 } });
    for (let b = 0; b < 10; b++) await exp.traces!.consume(sampleTraces(5, b + 1)); // the downstream is down: all queue up
    await until(async () => ((await readMetrics())['outrider_exporter_retries{exporter=otlp/test}'] ?? 0) >= 1); // the first is being retried
    const s = await sink({ port });
    await until(() => s.spans() === 50);
    // the first request was taken (and retried) alone; the nine queued behind it go in one request
    expect(s.calls).toHaveLength(2);
    expect(s.traces[1]!.resourceSpans).toHaveLength(9);
    // counted once the answer is back, a moment after the sink has the spans
    await until(async () => (await readMetrics())['outrider_exporter_sent_spans{exporter=otlp/test}'] === 50);
  });

  it('merges no more than merge_max_bytes', async () => {
    const port = await new Promise<number>((resolve) => { const srv = net.createServer(); srv.listen(0, '127.0.0.1', () => { const p = (srv.address() as net.AddressInfo).port; srv.close(() => resolve(p)); }); });
    const one = encodeTracesRequest(sampleTraces(5, 1)).byteLength;
    const { exp, readMetrics } = await exporter({ endpoint: `127.0.0.1:${port}`, tls: { insecure: true }, sending_queue: { num_consumers: 1, merge_max_bytes: one * 3 + 10 } });
    for (let b = 0; b < 7; b++) await exp.traces!.consume(sampleTraces(5, 1));
    await until(async () => ((await readMetrics())['outrider_exporter_retries{exporter=otlp/test}'] ?? 0) >= 1); // the first is being retried
    const s = await sink({ port });
    await until(() => s.spans() === 35);
    expect(s.traces.map((t) => t.resourceSpans.length)).toEqual([1, 3, 3]);
  });

  it('logs and counts partial success without retrying', async () => {
    const s = await sink({ answer: () => ({ ok: true, rejected: 3, errorMessage: 'spans too old' }) });
    const { exp, readMetrics } = await exporter({ endpoint: `127.0.0.1:${s.port}`, tls: { insecure: true } });
    await exp.traces!.consume(sampleTraces(10));
    await until(() => s.calls.length === 1);
    await exp.shutdown();
    const m = await readMetrics();
    expect(s.calls).toHaveLength(1);
    expect(m['outrider_exporter_sent_spans{exporter=otlp/test}']).toBe(7);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=rejected}']).toBe(3);
  });

  it('refuses a config whose TLS file is missing, naming the key (so validate catches it)', () => {
    expect(() => otlpExporterFactory.parse({ tls: { ca_file: '/nonexistent/ca.pem' } })).toThrow(/otlp\.tls\.ca_file: cannot read '\/nonexistent\/ca\.pem': ENOENT/);
  });

  it('fails at start when a TLS file disappeared after validation, naming the key', async () => {
    const t = exporterTestSettings('otlp/bad');
    const dir = mkdtempSync(join(tmpdir(), 'outrider-ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'not yet');
    const exp = otlpExporterFactory.create(t.settings, otlpExporterFactory.parse({ tls: { ca_file: ca } }), ['traces']);
    rmSync(dir, { recursive: true, force: true });
    await expect(exp.start(t.host)).rejects.toThrow(/otlp\/bad: tls.ca_file cannot be read/);
    await exp.shutdown();
  });
});

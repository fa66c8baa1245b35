// The queued exporter core with a scripted transport: metrics, on_full, partial success, shutdown drain, sqlite resume.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutriderError } from '../errors.js';
import { Store } from '../store/store.js';
import { ExportSendError } from './classify.js';
import { commonExporterShape, type CommonExporterConfig } from './config.js';
import { createQueuedExporter } from './exporter.js';
import type { ExportRequest } from './request.js';
import { decodeTracesRequest } from '../pdata/proto-decode.js';
import { sampleTraces, exporterTestSettings } from '../../test/kit/exporter-testing.js';
import type { SendResult, Transport } from './transport.js';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { until } from '../../test/kit/until.js';

const baseConfig = (over: Record<string, unknown> = {}): CommonExporterConfig =>
  z.strictObject(commonExporterShape).parse({ retry_on_failure: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: '1s' }, ...over });

/** A transport whose behaviour each test scripts. */
class FakeTransport implements Transport {
  readonly target = 'fake';
  sent: ExportRequest[] = [];
  attempts = 0;
  behaviour: (req: ExportRequest, signal?: AbortSignal) => Promise<SendResult> = async () => ({ rejected: 0, errorMessage: '' });
  async send(req: ExportRequest, opts: { signal?: AbortSignal }): Promise<SendResult> {
    this.attempts++;
    const r = await this.behaviour(req, opts.signal);
    this.sent.push(req);
    return r;
  }
  async close(): Promise<void> {}
}

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function setup(over: Record<string, unknown> = {}, store?: Store, logger?: Logger) {
  const t = exporterTestSettings('otlp/test', store);
  if (logger) t.settings.logger = logger;
  const transport = new FakeTransport();
  const exporter = createQueuedExporter({ settings: t.settings, config: baseConfig(over), signals: ['traces', 'metrics'], createTransport: () => transport });
  return { ...t, transport, exporter };
}


describe('queued exporter', () => {
  it('queues, sends and counts; the queue gauges report size and capacity', async () => {
    const { exporter, host, transport, readMetrics } = setup();
    await exporter.start(host);
    for (let i = 0; i < 3; i++) await exporter.traces!.consume(sampleTraces(4));
    await until(() => transport.sent.length === 3);
    await exporter.shutdown();
    const m = await readMetrics();
    expect(m['outrider_exporter_sent_spans{exporter=otlp/test}']).toBe(12);
    expect(m['outrider_exporter_queue_capacity{exporter=otlp/test}']).toBeUndefined(); // detached at shutdown
  });

  it('queue_size reports held requests while the backend stalls', async () => {
    const { exporter, host, transport, readMetrics } = setup({ sending_queue: { num_consumers: 1 } });
    let release!: () => void;
    transport.behaviour = () => new Promise((r) => { release = () => r({ rejected: 0, errorMessage: '' }); });
    await exporter.start(host);
    for (let i = 0; i < 3; i++) await exporter.traces!.consume(sampleTraces(1));
    await until(() => transport.attempts === 1);
    const m = await readMetrics();
    expect(m['outrider_exporter_queue_size{exporter=otlp/test}']).toBe(3);
    expect(m['outrider_exporter_queue_capacity{exporter=otlp/test}']).toBe(1000);
    transport.behaviour = async () => ({ rejected: 0, errorMessage: '' });
    release();
    await exporter.shutdown();
    // the first request went alone; the two queued behind it were merged into one send
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent.reduce((n, r) => n + r.items, 0)).toBe(3);
  });

  it('drops a permanent failure after one attempt, counted with its reason', async () => {
    const { exporter, host, transport, readMetrics } = setup();
    transport.behaviour = async () => { throw new ExportSendError('grpc INVALID_ARGUMENT', 'bad', false); };
    await exporter.start(host);
    await exporter.traces!.consume(sampleTraces(5));
    await until(() => transport.attempts === 1);
    await exporter.shutdown();
    const m = await readMetrics();
    expect(transport.attempts).toBe(1);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=permanent}']).toBe(5);
    expect(m['outrider_exporter_retries{exporter=otlp/test}']).toBeUndefined();
  });

  it('a request the destination refuses for its size is split in halves until each part fits; nothing is dropped', async () => {
    const { exporter, host, transport, readMetrics } = setup();
    const limit = 3_000; // bytes: a peer with a small max message size
    transport.behaviour = async (req) => {
      if (req.body.length > limit) throw new ExportSendError('grpc RESOURCE_EXHAUSTED', `grpc RESOURCE_EXHAUSTED: Received message larger than max (${req.body.length} vs ${limit})`, false);
      return { rejected: 0, errorMessage: '' };
    };
    await exporter.start(host);
    const batch = sampleTraces(40);
    await exporter.traces!.consume(batch);
    await until(async () => (await readMetrics())['outrider_exporter_sent_spans{exporter=otlp/test}'] === 40);
    await exporter.shutdown();
    const m = await readMetrics();
    const delivered = transport.sent.filter((r) => r.body.length <= limit);
    expect(delivered.reduce((n, r) => n + r.items, 0)).toBe(40);
    expect(delivered.length).toBeGreaterThan(1);
    const names = delivered.flatMap((r) => decodeTracesRequest(r.body).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.name))));
    expect(names.sort()).toEqual(batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.name))).sort());
    expect(m['outrider_exporter_split_requests{exporter=otlp/test}']).toBeGreaterThan(0);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=permanent}']).toBeUndefined();
  });

  it('an HTTP 413 splits too; a single item too large for the destination is dropped as permanent', async () => {
    const { exporter, host, transport, readMetrics } = setup();
    transport.behaviour = async () => { throw new ExportSendError('http 413', 'http 413: payload too large', false); };
    await exporter.start(host);
    await exporter.traces!.consume(sampleTraces(4));
    await until(async () => (await readMetrics())['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=permanent}'] === 4);
    await exporter.shutdown();
    // 4 → 2 + 2 → 1 + 1 + 1 + 1: seven attempts, each single span dropped on its own
    expect(transport.attempts).toBe(7);
  });

  it('retries until the backend recovers, counting retries', async () => {
    const { exporter, host, transport, readMetrics } = setup();
    let failures = 3;
    transport.behaviour = async () => { if (failures-- > 0) throw new ExportSendError('grpc UNAVAILABLE', 'down', true); return { rejected: 0, errorMessage: '' }; };
    await exporter.start(host);
    await exporter.metrics!.consume({ resourceMetrics: [{ resource: null, schemaUrl: '', scopeMetrics: [{ scope: null, schemaUrl: '', metrics: [
      { name: 'm', description: '', unit: '', metadata: [], data: { type: 'gauge', dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: 1n, value: 1, exemplars: [], flags: 0 }] } },
    ] }] }] });
    await until(() => transport.sent.length === 1);
    await exporter.shutdown();
    const m = await readMetrics();
    expect(m['outrider_exporter_retries{exporter=otlp/test}']).toBe(3);
    expect(m['outrider_exporter_sent_metric_points{exporter=otlp/test}']).toBe(1);
  });

  it('counts partial success: rejected items are failed, the rest sent, nothing retried', async () => {
    const { exporter, host, transport, readMetrics } = setup();
    transport.behaviour = async () => ({ rejected: 2, errorMessage: 'span too old' });
    await exporter.start(host);
    await exporter.traces!.consume(sampleTraces(5));
    await until(() => transport.sent.length === 1);
    await exporter.shutdown();
    const m = await readMetrics();
    expect(transport.attempts).toBe(1);
    expect(m['outrider_exporter_sent_spans{exporter=otlp/test}']).toBe(3);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=rejected}']).toBe(2);
  });

  it('on_full block refuses the caller with a retryable error and counts enqueue failures', async () => {
    const { exporter, host, transport, readMetrics } = setup({ sending_queue: { num_consumers: 1, queue_size: 2, drain_timeout: '50ms' } });
    transport.behaviour = (_r, signal) => new Promise((_res, rej) => signal?.addEventListener('abort', () => rej(new ExportSendError('aborted', 'aborted', true))));
    await exporter.start(host);
    await exporter.traces!.consume(sampleTraces(1));
    await exporter.traces!.consume(sampleTraces(1));
    const err = await exporter.traces!.consume(sampleTraces(7)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutriderError);
    expect(err).toMatchObject({ code: 'DATA_REFUSED', retryable: true, grpcCode: 14, httpStatus: 503 });
    await exporter.shutdown();
    const m = await readMetrics();
    expect(m['outrider_exporter_enqueue_failed_spans{exporter=otlp/test}']).toBe(7);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=shutdown}']).toBe(2);
  });

  it('on_full drop_oldest evicts and counts queue_full', async () => {
    const { exporter, host, transport, readMetrics } = setup({ sending_queue: { num_consumers: 1, queue_size: 2, on_full: 'drop_oldest', drain_timeout: '50ms' } });
    transport.behaviour = (_r, signal) => new Promise((_res, rej) => signal?.addEventListener('abort', () => rej(new ExportSendError('aborted', 'aborted', true))));
    await exporter.start(host);
    for (const n of [1, 2, 3, 4]) await exporter.traces!.consume(sampleTraces(n));
    await exporter.shutdown();
    const m = await readMetrics();
    // 1 is in flight (not evictable); 2 and 3 were evicted for 3 and 4; 1 and 4 lost at shutdown
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=queue_full}']).toBe(5);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=shutdown}']).toBe(5);
  });

  it('shutdown drains the memory queue within drain_timeout, then counts what is lost', async () => {
    const { exporter, host, transport, readMetrics } = setup({ sending_queue: { num_consumers: 2, drain_timeout: '200ms' }, retry_on_failure: { initial_interval: '1s' } });
    transport.behaviour = async () => { throw new ExportSendError('grpc UNAVAILABLE', 'down', true); };
    await exporter.start(host);
    for (let i = 0; i < 4; i++) await exporter.traces!.consume(sampleTraces(10));
    const t0 = Date.now();
    await exporter.shutdown();
    expect(Date.now() - t0).toBeLessThan(1_500);
    const m = await readMetrics();
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=shutdown}']).toBe(40);
    await expect(exporter.traces!.consume(sampleTraces(1))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('the sqlite queue keeps undelivered requests on disk and a new instance delivers them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outrider-exp-'));
    dirs.push(dir);
    const path = join(dir, 'outrider.db');
    const first = setup({ sending_queue: { storage: 'sqlite', drain_timeout: '100ms' } }, new Store(path));
    first.transport.behaviour = async () => { throw new ExportSendError('grpc UNAVAILABLE', 'down', true); };
    await first.exporter.start(first.host);
    for (let i = 0; i < 5; i++) await first.exporter.traces!.consume(sampleTraces(3, i));
    await first.exporter.shutdown();
    first.store.close();
    expect((await first.readMetrics())['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=shutdown}']).toBeUndefined();

    const second = setup({ sending_queue: { storage: 'sqlite' } }, new Store(path));
    await second.exporter.start(second.host);
    await until(() => second.transport.sent.length === 5);
    await second.exporter.shutdown();
    expect((await second.readMetrics())['outrider_exporter_sent_spans{exporter=otlp/test}']).toBe(15);
    expect(second.store.handle.prepare('SELECT count(*) AS n FROM export_queue').get()).toEqual({ n: 0 });
    second.store.close();
  });

  it('a replacing instance of the same id (config reload) takes over the rows the replaced one leaves on disk, once it stops; no row is sent twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outrider-exp-'));
    dirs.push(dir);
    const store = new Store(join(dir, 'outrider.db'));
    const old = setup({ sending_queue: { storage: 'sqlite', drain_timeout: '100ms' } }, store);
    old.transport.behaviour = async () => { throw new ExportSendError('grpc UNAVAILABLE', 'down', true); };
    await old.exporter.start(old.host);
    for (let i = 0; i < 4; i++) await old.exporter.traces!.consume(sampleTraces(3, i));
    // the replacement starts while the old one still runs: it sends its own data, not the old rows
    const next = setup({ sending_queue: { storage: 'sqlite' } }, store);
    await next.exporter.start(next.host);
    await next.exporter.traces!.consume(sampleTraces(2, 9));
    await until(() => next.transport.sent.length === 1);
    expect(next.transport.sent.map((r) => r.items)).toEqual([2]);
    // the old one stops (its senders give up within drain_timeout) and hands its rows over
    await old.exporter.shutdown();
    await until(() => next.transport.sent.length === 5);
    await next.exporter.shutdown();
    expect(next.transport.sent.map((r) => r.items).sort()).toEqual([2, 3, 3, 3, 3]);
    expect(store.handle.prepare('SELECT count(*) AS n FROM export_queue').get()).toEqual({ n: 0 });
    store.close();
  });

  it('at shutdown with the backend down, logs how many requests and items stay on disk for the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outrider-exp-'));
    dirs.push(dir);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } });
    const t = setup({ sending_queue: { storage: 'sqlite', drain_timeout: '2s' } }, new Store(join(dir, 'outrider.db')), logger);
    t.transport.behaviour = async () => { throw new ExportSendError('grpc UNAVAILABLE', 'connection refused', true); };
    await t.exporter.start(t.host);
    for (let i = 0; i < 4; i++) await t.exporter.traces!.consume(sampleTraces(3, i));
    await until(() => t.transport.attempts > 0);
    await t.exporter.shutdown();
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; requests?: number; items?: number });
    const onDisk = logged.find((l) => /stay on disk/.test(l.msg));
    expect(onDisk).toMatchObject({ requests: 4, items: 12 });
    expect(onDisk!.msg).toMatch(/4 requests \(12 items\) stay on disk for the next start/);
    t.store.close();
  });

  it('without a queue, consume waits for the send and reports its failure', async () => {
    const { exporter, host, transport, readMetrics } = setup({ sending_queue: { enabled: false }, retry_on_failure: { initial_interval: '10ms', max_elapsed_time: '100ms' } });
    await exporter.start(host);
    await exporter.traces!.consume(sampleTraces(2));
    expect(transport.sent).toHaveLength(1);
    transport.behaviour = async () => { throw new ExportSendError('http 400', 'bad', false); };
    await expect(exporter.traces!.consume(sampleTraces(2))).rejects.toMatchObject({ code: 'EXPORT_FAILED', retryable: false });
    transport.behaviour = async () => { throw new ExportSendError('http 503', 'busy', true); };
    await expect(exporter.traces!.consume(sampleTraces(2))).rejects.toMatchObject({ code: 'EXPORT_FAILED', retryable: true });
    await exporter.shutdown();
    const m = await readMetrics();
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=permanent}']).toBe(2);
    expect(m['outrider_exporter_send_failed_spans{exporter=otlp/test,reason=retries_exhausted}']).toBe(2);
  });

  it('shutdown is idempotent and safe without start; consume before start is refused (retryable)', async () => {
    const { exporter } = setup();
    await expect(exporter.traces!.consume(sampleTraces(1))).rejects.toMatchObject({ code: 'DATA_REFUSED' });
    await exporter.shutdown();
    await exporter.shutdown();
    expect(exporter.logs).toBeUndefined();
  });
});

// Integration: the backend goes away and comes back; every span acknowledged by consume() arrives.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleTraces, exporterTestSettings } from '../kit/exporter-testing.js';
import { toHex } from '../../agent/pdata/hex.js';
import { Store } from '../../agent/store/store.js';
import { startGrpcSink, type GrpcSink } from '../kit/grpc-sink.js';
import { otlpExporterFactory } from '../../exporters/otlp/index.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['memory', 'sqlite'] as const)('outage with the %s queue', (storage) => {
  it('delivers every span once the backend is back, counting retries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outrider-outage-'));
    const port = await freePort();
    const t = exporterTestSettings('otlp/jaeger', new Store(join(dir, 'outrider.db')));
    const exp = otlpExporterFactory.create(t.settings, otlpExporterFactory.parse({
      endpoint: `127.0.0.1:${port}`, tls: { insecure: true }, timeout: '1s',
      retry_on_failure: { initial_interval: '100ms', max_interval: '500ms', max_elapsed_time: '60s' },
      sending_queue: { storage, num_consumers: 4 },
    }), ['traces']);
    await exp.start(t.host);

    const batches = 30;
    const perBatch = 20;
    let sink: GrpcSink | undefined = await startGrpcSink({ port });
    const delivered: GrpcSink[] = [sink];
    for (let b = 0; b < batches; b++) {
      if (b === 5) { await sink!.close(); sink = undefined; }          // down after 5 batches
      if (b === 25) { sink = await startGrpcSink({ port }); delivered.push(sink); } // back 2 s later
      await exp.traces!.consume(sampleTraces(perBatch, b + 1));         // acknowledged: must arrive
      await sleep(100);
    }
    const total = () => delivered.reduce((n, s) => n + s.spans(), 0);
    const deadline = Date.now() + 8_000;
    while (total() < batches * perBatch && Date.now() < deadline) await sleep(50);

    const ids = new Set(delivered.flatMap((s) => s.spanIds()));
    expect(ids.size).toBe(batches * perBatch);
    await exp.shutdown();
    const m = await t.readMetrics();
    expect(m['outrider_exporter_sent_spans{exporter=otlp/jaeger}']).toBe(batches * perBatch);
    expect(m['outrider_exporter_retries{exporter=otlp/jaeger}']).toBeGreaterThan(0);
    expect(Object.keys(m).filter((k) => k.includes('failed'))).toEqual([]);
    await sink!.close();
    t.store.close();
    rmSync(dir, { recursive: true, force: true });
  }, 20_000);
});

// Integration: a child agent process queues into sqlite, is killed with SIGKILL, and a restart delivers everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcCode } from '../../agent/errors.js';
import { sampleTraces, exporterTestSettings } from '../kit/exporter-testing.js';
import { toHex } from '../../agent/pdata/hex.js';
import { Store } from '../../agent/store/store.js';
import { startGrpcSink } from '../kit/grpc-sink.js';
import { otlpExporterFactory } from '../../exporters/otlp/index.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The child runs the built modules (`npm test` builds dist/ first). */
const dist = (rel: string) => pathToFileURL(join(root, 'dist', rel)).href;
const work = mkdtempSync(join(tmpdir(), 'outrider-crash-'));

const child = `
import { otlpExporterFactory } from '${dist('exporters/otlp/index.js')}';
import { sampleTraces, exporterTestSettings } from '${dist('test/kit/exporter-testing.js')}';
import { Store } from '${dist('agent/store/store.js')}';
const [dbPath, port, batches] = process.argv.slice(2);
const { settings, host } = exporterTestSettings('otlp/jaeger', new Store(dbPath));
const config = otlpExporterFactory.parse({
  endpoint: '127.0.0.1:' + port, tls: { insecure: true },
  retry_on_failure: { initial_interval: '100ms', max_interval: '300ms', max_elapsed_time: 0 },
  sending_queue: { storage: 'sqlite', num_consumers: 2, merge_max_bytes: 0 }, // one request per row, so rows left on disk are countable
});
const exp = otlpExporterFactory.create(settings, config, ['traces']);
await exp.start(host);
for (let b = 0; b < Number(batches); b++) {
  await exp.traces.consume(sampleTraces(50, b + 1));
  process.stdout.write('acked ' + (b + 1) + '\\n');
}
setTimeout(() => {}, 60_000); // keeps retrying until killed
`;

const childFile = join(root, 'dist', `crash-child-${process.pid}.mjs`); // inside the repo, so its bare imports resolve
beforeAll(() => {
  if (!existsSync(join(root, 'dist/exporters/otlp/index.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
  writeFileSync(childFile, child);
});
afterAll(() => { rmSync(work, { recursive: true, force: true }); rmSync(childFile, { force: true }); });

describe('kill -9 with the sqlite queue', () => {
  it('loses no acknowledged span: the next start resumes from disk', async () => {
    let accepted = 0;
    let up = false; // the backend takes 3 requests, then fails (retryable) until the restart
    const sink = await startGrpcSink({
      answer: () => (up || ++accepted <= 3 ? { ok: true } : { ok: false, code: GrpcCode.UNAVAILABLE, message: 'maintenance' }),
    });
    const dbPath = join(work, 'outrider.db');
    const batches = 20;
    const proc = spawn(process.execPath, [childFile, dbPath, String(sink.port), String(batches)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolveAcks, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`child did not ack in time: ${text}`)), 20_000);
      proc.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes(`acked ${batches}\n`)) { clearTimeout(timer); resolveAcks(); }
      });
      proc.on('exit', (code) => reject(new Error(`child exited early (${code}): ${text}`)));
    });
    await new Promise((r) => setTimeout(r, 400)); // let it retry against the failing backend
    const exited = new Promise((r) => proc.on('exit', r));
    proc.kill('SIGKILL');
    await exited;

    const t = exporterTestSettings('otlp/jaeger', new Store(dbPath));
    const onDisk = t.store.handle.prepare("SELECT count(*) AS n FROM export_queue WHERE exporter = 'otlp/jaeger'").get() as { n: number };
    expect(onDisk.n).toBeGreaterThanOrEqual(batches - 3);

    up = true;
    const exp = otlpExporterFactory.create(t.settings, otlpExporterFactory.parse({ endpoint: `127.0.0.1:${sink.port}`, tls: { insecure: true }, sending_queue: { storage: 'sqlite' } }), ['traces']);
    await exp.start(t.host);
    const want = new Set(Array.from({ length: batches }, (_, b) => sampleTraces(50, b + 1).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => toHex(s.spanId))).flat());
    const got = () => new Set(sink.spanIds());
    const deadline = Date.now() + 10_000;
    while (got().size < want.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect([...want].filter((id) => !got().has(id))).toEqual([]);
    await exp.shutdown();
    expect(t.store.handle.prepare('SELECT count(*) AS n FROM export_queue').get()).toEqual({ n: 0 });
    t.store.close();
    await sink.close();
  }, 60_000);
});

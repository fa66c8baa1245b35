// The image's dependency closure runs the agent: the production node_modules (dev dependencies
// pruned, then trimmed by scripts/trim-production.sh exactly as the Dockerfile does) plus dist/
// start the agent from the bundle the image runs, with every traces processor (each in its own
// chunk); it answers /readyz and takes OTLP/HTTP.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../kit/config.js';
import { freePort } from '../kit/ports.js';
import { waitFor200 } from '../kit/agent-process.js';
import { AGENT_ENTRY } from '../../agent/process-flags.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('production closure', () => {
  it('runs the agent from the pruned, trimmed dependencies the image ships', async () => {
    const app = tempDir('outrider-image-');
    for (const f of ['package.json', 'package-lock.json']) cpSync(join(root, f), join(app, f));
    execFileSync('cp', ['-al', join(root, 'node_modules'), join(app, 'node_modules')]);
    cpSync(join(root, 'dist'), join(app, 'dist'), { recursive: true });
    execFileSync('npm', ['prune', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app, stdio: 'ignore' });
    execFileSync('sh', [join(root, 'scripts/trim-production.sh'), app]);
    // what the image leaves out is really gone
    for (const dev of ['vitest', 'typescript', 'playwright-core', 'smtp-server', '@types', 'better-sqlite3/deps']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);

    const [http, telemetry] = [await freePort(), await freePort()];
    const config = readFileSync(join(root, 'config/examples/full.yaml'), 'utf8');
    writeFileSync(join(app, 'outrider.yaml'), config);
    const child = spawn(process.execPath, [AGENT_ENTRY, 'run', '--config', 'outrider.yaml'], {
      cwd: app,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', OUTRIDER_STORAGE_PATH: join(app, 'data/outrider.db'), OUTRIDER_OTLP_GRPC: '127.0.0.1:0', OUTRIDER_OTLP_HTTP: `127.0.0.1:${http}`, OUTRIDER_TELEMETRY: `127.0.0.1:${telemetry}`, JAEGER_ENDPOINT: '127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    try {
      await waitFor200(`http://127.0.0.1:${telemetry}/readyz`, 20_000).catch((e) => { throw new Error(`${(e as Error).message}\n${out}`); });
      const res = await fetch(`http://127.0.0.1:${http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' }] }] }] }) });
      expect(res.status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${telemetry}/metrics`)).text();
      expect(metrics).toMatch(/outrider_receiver_accepted_spans_total\{[^}]*transport="http"[^}]*\} 1/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
    }
  });
});

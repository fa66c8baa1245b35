// What the agent loads on its embedded default config: every module it loads stays resident for the
// life of the process, so parts the config does not use must not be loaded. `npm start` runs the
// bundle (dist/bundle), which must work and load nothing from node_modules; the separate modules of
// dist/agent show by file what the agent loads.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../kit/config.js';
import { freePort } from '../kit/ports.js';
import { spawnAgent, waitFor200, type AgentProcess } from '../kit/agent-process.js';
import { AGENT_ENTRY } from '../../agent/process-flags.js';
import { DEFAULT_CONFIG_PATH } from '../../config/loader.js';

/** The package a module file belongs to (`@scope/name` or `name`), or `own:<dir>/<dir>` for the agent's own. */
function ownerOf(file: string): string {
  const dep = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (dep) return dep[1]!;
  const own = /\/dist\/(.+)\/[^/]+\.js$/.exec(file);
  return own ? `own:${own[1]}` : file;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the agent (`entry`, default dist/agent/cli.js) on the default config (free ports, a temp
 * database), runs `whileUp` against it once ready; returns every module file it loaded.
 */
async function modulesOfDefaultConfig(entry?: string, whileUp?: (ports: { http: number; tel: number }, agent: AgentProcess) => Promise<void>): Promise<string[]> {
  const dir = tempDir('outrider-footprint-');
  const [grpc, http, tel] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, 'config.yaml');
  writeFileSync(config, readFileSync(DEFAULT_CONFIG_PATH, 'utf8')
    .replace('"localhost:4317"', `"127.0.0.1:${grpc}"`).replace('"localhost:4318"', `"127.0.0.1:${http}"`).replace('"0.0.0.0:9464"', `"127.0.0.1:${tel}"`)
    .replace('${env:OUTRIDER_STORAGE_PATH:-./data/outrider.db}', join(dir, 'outrider.db')));
  // ES modules through a load hook (it runs on the loader thread), CommonJS ones from require.cache at exit
  const esm = join(dir, 'esm.txt');
  const cjs = join(dir, 'cjs.json');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(${JSON.stringify(esm)}, url + '\\n'); return next(url, context); }\n`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nimport { createRequire } from 'node:module';\nimport { writeFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => writeFileSync(${JSON.stringify(cjs)}, JSON.stringify(Object.keys(require.cache))));\n`);
  writeFileSync(esm, '');
  const agent = spawnAgent(['run', '--config', config], { NODE_OPTIONS: `--import ${pathToFileURL(join(dir, 'register.mjs')).href}` }, entry);
  try {
    await waitFor200(`http://127.0.0.1:${tel}/readyz`, 15_000, agent);
    await whileUp?.({ http, tel }, agent);
  } finally {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
  const files = [...readFileSync(esm, 'utf8').split('\n').filter(Boolean).map((u) => new URL(u).pathname), ...(JSON.parse(readFileSync(cjs, 'utf8')) as string[])];
  expect(files.some((f) => f === (entry ?? join(root, 'dist/agent/cli.js')))).toBe(true);
  return files;
}

describe('the default config footprint', () => {
  it('loads only what the default config uses', async () => {
    const files = await modulesOfDefaultConfig();
    const owners = new Set(files.map(ownerOf));
    // what the default config does use is there (the check sees both kinds of module)
    for (const used of ['zod', 'yaml', 'fastify', '@opentelemetry/sdk-metrics', 'own:processors/redaction']) expect(owners, used).toContain(used);
    // the OTLP/gRPC receiver and exporter speak gRPC over node's HTTP/2 themselves
    expect(owners).not.toContain('@grpc/grpc-js');
    // self-telemetry needs a pull reader, not the Prometheus exporter package (and its own copies of the SDK)
    expect(owners).not.toContain('@opentelemetry/exporter-prometheus');
    // neither fastify server declares a route schema: its validator compiler (ajv) stays unloaded
    for (const unused of ['ajv', '@fastify/ajv-compiler']) expect(owners, unused).not.toContain(unused);
    // components the config does not declare are not loaded (their code nor their config schemas)
    const components = files.map((f) => /\/dist\/((?:receivers|processors|exporters|connectors)\/[^/]+)\/index\.js$/.exec(f)?.[1]).filter(Boolean).sort();
    expect(components).toEqual(['exporters/debug', 'exporters/prometheus', 'processors/batch', 'processors/memory_limiter', 'processors/redaction', 'processors/spanmetrics', 'receivers/otlp']);
  }, 30_000);

  it('runs from the bundle `npm start` runs, which loads only its own chunks', async () => {
    const files = await modulesOfDefaultConfig(join(root, AGENT_ENTRY), async ({ http, tel }) => {
      const res = await fetch(`http://127.0.0.1:${http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' }] }] }] }) });
      expect(res.status).toBe(200);
      // spanmetrics derived RED metrics from the span: the traces pipeline ran end to end
      for (let i = 0; i < 50; i++) {
        const metrics = await (await fetch(`http://127.0.0.1:${tel}/metrics`)).text();
        if (/traces_span_metrics_calls_total\{[^}]*service_name="checkout"[^}]*\} 1/.test(metrics)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no traces_span_metrics_calls_total for the span');
    });
    const outside = files.filter((f) => !f.startsWith(join(root, 'dist/bundle/')));
    expect(outside).toEqual([]);
  }, 30_000);
});

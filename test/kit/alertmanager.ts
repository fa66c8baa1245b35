// A real Alertmanager for tests: Debian's `prometheus-alertmanager` on a free loopback port, no
// clustering, one null receiver; alerts() reads its API v2.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './config.js';
import { freePort } from './ports.js';
import { until } from './until.js';

/** One alert as `GET /api/v2/alerts` lists it (`gettableAlert`). */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
  receivers: Array<{ name: string }>;
}

export interface TestAlertmanager {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** `GET /api/v2/alerts` with the given query (`active=false`, `filter=…`). */
  alerts(query?: Record<string, string | boolean>): Promise<AmAlert[]>;
  /** What the process printed so far (for failure messages). */
  log(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager in `dir` (a new temp dir by default) and waits until `/-/ready` answers 200.
 * `resolveTimeout` is Alertmanager's `global.resolve_timeout` (applies to alerts sent without endsAt).
 */
export async function startAlertmanager(opts: { dir?: string; resolveTimeout?: string } = {}): Promise<TestAlertmanager> {
  const dir = opts.dir ?? tempDir('outrider-am-');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const cfg = join(dir, 'alertmanager.yml');
  writeFileSync(cfg, [
    `global: { resolve_timeout: ${opts.resolveTimeout ?? '5m'} }`,
    'route: { receiver: "null", group_wait: 1h, group_interval: 1h, repeat_interval: 24h }',
    'receivers: [ { name: "null" } ]', ''].join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const proc: ChildProcess = spawn('prometheus-alertmanager', [
    `--config.file=${cfg}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=', '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited: Promise<void> = new Promise((resolve) => proc.once('exit', () => resolve()));
  proc.on('error', (err) => { log += `spawn failed (apt-get install prometheus-alertmanager): ${err.message}\n`; });
  proc.stdout!.on('data', (b) => { log += b; });
  proc.stderr!.on('data', (b) => { log += b; });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await until(async () => {
      if (proc.exitCode !== null) throw new Error(`alertmanager exited with ${proc.exitCode}:\n${log}`);
      return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    }, 15_000, 'alertmanager ready');
  } catch (err) {
    await stop();
    exited = Promise.resolve();
    throw err;
  }
  return {
    url,
    log: () => log,
    async alerts(query = {}) {
      const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
      const res = await fetch(`${url}/api/v2/alerts${qs ? `?${qs}` : ''}`);
      if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status} ${await res.text()}`);
      return (await res.json()) as AmAlert[];
    },
    stop,
  };
}

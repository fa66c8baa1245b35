// A real Prometheus for e2e tests: scrapes the given targets every second on a free loopback
// port; query() and eventually() read its HTTP API.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';

export type PromResult = Array<{ metric: Record<string, string>; value: [number, string] }>;

export interface TestPrometheus {
  url: string;
  /** What Prometheus printed so far (for failure messages). */
  log(): string;
  /** An instant query; throws with Prometheus's error. */
  query(q: string): Promise<PromResult>;
  /** Polls `q` every 250 ms until `ok` holds (at most `timeoutMs`), returning the last result. */
  eventually(q: string, ok: (r: PromResult) => boolean, timeoutMs?: number): Promise<PromResult>;
  stop(): void;
}

/** The value of a one-series result, else NaN. */
export const one = (r: PromResult) => (r.length === 1 ? Number(r[0]!.value[1]) : NaN);

/**
 * Starts Debian's `prometheus` scraping `targets` (host:port) with honor_labels, storing in `dir`;
 * `ruleFiles` are evaluated every second.
 */
export async function startPrometheus(dir: string, targets: string[], extraArgs: string[] = [], ruleFiles: string[] = []): Promise<TestPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    ...(ruleFiles.length ? [`rule_files: [${ruleFiles.map((f) => `'${f}'`).join(', ')}]`] : []),
    'scrape_configs:',
    '  - job_name: outrider',
    '    honor_labels: true',
    `    static_configs: [{ targets: [${targets.map((t) => `'${t}'`).join(', ')}] }]`, ''].join('\n'));
  let log = '';
  const proc: ChildProcess = spawn('prometheus', [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.on('error', (err) => { log += `spawn failed (apt-get install prometheus): ${err.message}\n`; });
  proc.stdout!.on('data', (b) => { log += b; });
  proc.stderr!.on('data', (b) => { log += b; });
  const query = async (q: string): Promise<PromResult> => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
    const j = (await r.json()) as { status: string; data: { result: PromResult }; error?: string };
    if (j.status !== 'success') throw new Error(`query ${q}: ${j.error}`);
    return j.data.result;
  };
  return {
    url,
    log: () => log,
    query,
    async eventually(q, ok, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      let last: PromResult = [];
      while (Date.now() < end) {
        last = await query(q).catch(() => []);
        if (ok(last)) return last;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`timed out waiting on ${q}; last result ${JSON.stringify(last)}\nprometheus log:\n${log.slice(-2000)}`);
    },
    stop: () => { proc.kill('SIGTERM'); },
  };
}

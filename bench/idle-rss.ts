// Idle RSS of the agent on its embedded default config (what `npm start` runs), as the sizing docs quote it.
//   node dist/bench/idle-rss.js [runs]   — each run starts a fresh agent; prints every run and the medians
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rssMib, startAgent } from './servers.js';
import { AGENT_NODE_FLAGS } from '../agent/process-flags.js';

/** One idle measurement: time to /readyz 200, RSS 2 s after ready and 15 s after ready (MiB). */
export interface IdleRss { readyMs: number; afterReadyMib: number; settledMib: number }

/** The embedded default config on free loopback ports and a temp database. */
export function defaultConfigForBench(): string {
  return readFileSync(fileURLToPath(new URL('../config/default.yaml', import.meta.url)), 'utf8')
    .replace('"localhost:4317"', '"127.0.0.1:{grpc}"').replace('"localhost:4318"', '"127.0.0.1:{http}"').replace('"0.0.0.0:9464"', '"127.0.0.1:{tel}"')
    .replace('${env:OUTRIDER_STORAGE_PATH:-./data/outrider.db}', '{dir}/outrider.db');
}

/**
 * Starts the agent on the default config (with the production node flags and env unless `flags`/`env`
 * say otherwise) and reads its RSS 2 s and 15 s after it is ready.
 */
export async function idleRss(flags: readonly string[] = AGENT_NODE_FLAGS, env: NodeJS.ProcessEnv = {}): Promise<IdleRss> {
  const agent = await startAgent('default config', defaultConfigForBench(), env, flags);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const afterReadyMib = rssMib(agent.pid);
    await new Promise((r) => setTimeout(r, 13_000));
    return { readyMs: agent.readyMs, afterReadyMib, settledMib: rssMib(agent.pid) };
  } finally {
    await agent.stop();
  }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

/** `runs` fresh agents one after the other; the median of each figure. */
export async function idleRssMedian(runs: number, flags: readonly string[] = AGENT_NODE_FLAGS, env: NodeJS.ProcessEnv = {}): Promise<IdleRss & { runs: IdleRss[] }> {
  const all: IdleRss[] = [];
  for (let i = 0; i < runs; i++) all.push(await idleRss(flags, env));
  return { readyMs: median(all.map((r) => r.readyMs)), afterReadyMib: median(all.map((r) => r.afterReadyMib)), settledMib: median(all.map((r) => r.settledMib)), runs: all };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // to compare settings: IDLE_FLAGS="--max-semi-space-size=2 --foo" replaces the node flags, IDLE_ENV="K=V K2=V2" adds env
  const flags = process.env.IDLE_FLAGS !== undefined ? process.env.IDLE_FLAGS.split(/\s+/).filter(Boolean) : AGENT_NODE_FLAGS;
  const env = Object.fromEntries((process.env.IDLE_ENV ?? '').split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const r = await idleRssMedian(Number(process.argv[2] ?? 3), flags, env);
  const line = (x: IdleRss) => `ready ${x.readyMs} ms, 2 s after ready ${x.afterReadyMib.toFixed(1)} MiB, 15 s ${x.settledMib.toFixed(1)} MiB (${(x.settledMib * 1.048576).toFixed(1)} MB)`;
  for (const x of r.runs) process.stdout.write(`  ${line(x)}\n`);
  process.stdout.write(`median [${flags.join(' ')}${env && Object.keys(env).length ? ' ' + JSON.stringify(env) : ''}]: ${line(r)}\n`);
}

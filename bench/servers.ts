// Bench targets as child processes: the null-sink baseline and the agent on a given config.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { AGENT_ENTRY, AGENT_ENV, AGENT_NODE_FLAGS } from '../agent/process-flags.js';

export interface Target { name: string; address: string; pid: number; stop(): Promise<void> }

const dist = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

/** Resident set size of a process in MiB, from /proc. */
export function rssMib(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Starts a bench server script that prints its port on its first line. */
async function startServerScript(name: string, script: string, arg: string): Promise<Target> {
  const child = spawn(process.execPath, [dist(script), arg], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  return { name, address: `127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child) };
}

export function startNullSink(): Promise<Target> {
  return startServerScript('null-sink', './null-sink.js', '127.0.0.1:0');
}

/** The transport floor: bare node:http2 answering every call OK, decoding nothing (transport-floor.ts). */
export function startTransportFloor(): Promise<Target> {
  return startServerScript('transport-floor', './transport-floor.js', '127.0.0.1');
}

/**
 * Starts the built agent (the bundle, which `npm start` and the image run) with a traces pipeline given
 * as YAML fragments; `{grpc}`/`{http}`/`{tel}`/`{dir}` in the fragment are replaced by free ports and
 * a temp folder. Resolves once /readyz answers 200.
 */
export async function startAgent(name: string, yaml: string, extraEnv: NodeJS.ProcessEnv = {}, flags: readonly string[] = AGENT_NODE_FLAGS): Promise<Target & { telemetry: string; readyMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'outrider-bench-'));
  const [grpc, http, tel] = [await freePort(), await freePort(), await freePort()];
  const text = yaml.replaceAll('{grpc}', String(grpc)).replaceAll('{http}', String(http)).replaceAll('{tel}', String(tel)).replaceAll('{dir}', dir);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, text);
  const child = spawn(process.execPath, [...flags, dist(`../../${AGENT_ENTRY}`), 'run', '--config', file], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...AGENT_ENV, ...extraEnv } });
  const telemetry = `127.0.0.1:${tel}`;
  const t0 = Date.now();
  for (;;) {
    try { if ((await fetch(`http://${telemetry}/readyz`)).status === 200) break; } catch { /* starting */ }
    if (Date.now() - t0 > 15_000 || child.exitCode !== null) throw new Error(`bench: agent '${name}' did not become ready`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { name, address: `127.0.0.1:${grpc}`, pid: child.pid!, telemetry, readyMs: Date.now() - t0, stop: stopper(child) };
}

/** Runs the load generator as its own process against a target; `uniqueTraces`: new trace ids in every request. */
export function runLoadgen(address: string, seconds: number, concurrency: number, uniqueTraces = false): Promise<{ spansPerSec: number; p50Ms: number; p99Ms: number; errors: number; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dist('./loadgen.js'), address, String(seconds), String(concurrency), ...(uniqueTraces ? ['unique'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`loadgen exited ${code}`))));
  });
}

/** Runs the steady-rate load generator as its own process: `spansPerSec` for `seconds`, with request latencies. */
export function runSteadyLoad(address: string, spansPerSec: number, seconds: number): Promise<{ sent: number; acknowledged: number; refused: number; p50Ms: number; p99Ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dist('./steady-load.js'), address, String(spansPerSec), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`steady load exited ${code}`))));
  });
}

// Runs the built agent (dist/agent/cli.js) as a child process, for tests of signals, exits and restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../../agent/process-flags.js';
import { freePort } from './ports.js';

export const CLI = fileURLToPath(new URL('../../dist/agent/cli.js', import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/** Runs `entry` (default {@link CLI}) with `args`, the production node flags and env plus `env`. */
export function spawnAgent(args: string[], env: NodeJS.ProcessEnv = {}, entry: string = CLI): AgentProcess {
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, entry, ...args], { env: { ...process.env, ...AGENT_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { out += c; });
  // 'close', not 'exit': the output pipes are drained by then, so output() holds the last lines
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => out, exited };
}

/** Polls GET url until it answers 200; returns the milliseconds it took. Rejects after timeoutMs. */
export async function waitFor200(url: string, timeoutMs = 15_000, proc?: AgentProcess): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return Date.now() - t0;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} not 200 after ${timeoutMs}ms${proc ? `; agent output:\n${proc.output()}` : ''}`);
}

export interface ChildConfig { path: string; grpcPort: number; httpPort: number; telemetryPort: number }

/**
 * Writes a config for a child agent into `dir`: storage in `dir`, the otlp receiver and the
 * telemetry endpoint on free loopback ports, plus the YAML lines in `rest` (each already indented
 * for its place: processors and exporters by 2, pipelines by 4, extra service keys by 2).
 */
export async function writeChildConfig(dir: string, rest: { processors?: string; exporters: string; pipelines: string; service?: string }): Promise<ChildConfig> {
  const [grpcPort, httpPort, telemetryPort] = [await freePort(), await freePort(), await freePort()];
  const path = join(dir, 'config.yaml');
  writeFileSync(path, `
storage: { path: ${join(dir, 'db.sqlite')} }
receivers:
  otlp: { protocols: { grpc: { endpoint: "127.0.0.1:${grpcPort}" }, http: { endpoint: "127.0.0.1:${httpPort}" } } }
${rest.processors ? `processors:\n${rest.processors}\n` : ''}exporters:
${rest.exporters}
service:
${rest.service ?? ''}
  telemetry: { endpoint: "127.0.0.1:${telemetryPort}", logs: { level: warn } }
  pipelines:
${rest.pipelines}
`);
  return { path, grpcPort, httpPort, telemetryPort };
}

// The built agent as a process: starts on the embedded default config, drains on SIGTERM, and the CLI.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GrpcCode } from '../../agent/errors.js';
import { toHex } from '../../agent/pdata/hex.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import { CLI, spawnAgent, waitFor200, writeChildConfig } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { makeTraces } from '../kit/gen.js';
import { RawOtlpClient } from '../kit/grpc-client.js';
import { freePort } from '../kit/ports.js';

describe('outrider run', () => {
  it('runs on the embedded default config and becomes ready', async () => {
    const dir = tempDir();
    const proc = spawnAgent(['run'], { OUTRIDER_STORAGE_PATH: join(dir, 'db.sqlite'), OUTRIDER_CONFIG: '' });
    try {
      const ms = await waitFor200('http://127.0.0.1:9464/readyz', 15_000, proc);
      process.stdout.write(`readyz answered 200 ${ms} ms after spawn\n`);
      expect((await fetch('http://127.0.0.1:9464/healthz')).status).toBe(200);
      // the default pipelines accept OTLP on localhost:4317
      const client = new RawOtlpClient('localhost:4317');
      expect((await client.export('traces', encodeTracesRequest(makeTraces(2)))).code).toBe(GrpcCode.OK);
      client.close();
    } finally {
      proc.child.kill('SIGTERM');
    }
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toMatch(/"msg":"outrider started"/);
  });

  it('npm start runs the built agent on the embedded default config', async () => {
    const dir = tempDir();
    const t0 = Date.now();
    const child = spawn('npm', ['start'], { detached: true, env: { ...process.env, OUTRIDER_STORAGE_PATH: join(dir, 'db.sqlite'), OUTRIDER_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    const exited = new Promise((r) => child.on('close', r)); // after the output pipes are drained
    try {
      await waitFor200('http://127.0.0.1:9464/readyz', 20_000);
      process.stdout.write(`npm start: /readyz answered 200 ${Date.now() - t0} ms after spawning npm\n`);
    } finally {
      process.kill(-child.pid!, 'SIGTERM'); // npm, its shell and the agent
    }
    await exited;
    expect(out).toMatch(/"msg":"outrider started"/);
    expect(out).toMatch(/"msg":"outrider stopped"/);
  });

  it('on SIGTERM during load delivers every acknowledged span before exiting 0', async () => {
    const dir = tempDir();
    const out = join(dir, 'spans.jsonl');
    const { path: config, grpcPort, telemetryPort: telPort } = await writeChildConfig(dir, {
      processors: '  batch: { timeout: 2s, send_batch_size: 100000 }',
      exporters: `  file: { path: ${out} }`,
      pipelines: '    traces: { receivers: [otlp], processors: [batch], exporters: [file] }',
    });
    const proc = spawnAgent(['run', '--config', config]);
    await waitFor200(`http://127.0.0.1:${telPort}/readyz`, 15_000, proc);

    const acked = new Set<string>();
    let refused = 0;
    let stop = false;
    const sender = async (w: number) => {
      const client = new RawOtlpClient(`127.0.0.1:${grpcPort}`);
      for (let i = 0; i < 10_000 && !stop; i++) {
        const td = makeTraces(20, `w${w}-${i}`);
        const r = await client.export('traces', encodeTracesRequest(td), 3000);
        if (r.code === GrpcCode.OK) for (const s of td.resourceSpans[0]!.scopeSpans[0]!.spans) acked.add(toHex(s.spanId));
        else { refused++; if (r.code === GrpcCode.UNAVAILABLE || r.code === GrpcCode.DEADLINE_EXCEEDED) break; }
      }
      client.close();
    };
    const senders = [0, 1, 2, 3].map(sender);
    await new Promise((r) => setTimeout(r, 700));
    proc.child.kill('SIGTERM');
    const code = await proc.exited;
    stop = true;
    await Promise.all(senders);
    expect(code, proc.output()).toBe(0);
    expect(acked.size).toBeGreaterThan(100);

    const written = new Set<string>();
    for (const line of readFileSync(out, 'utf8').split('\n')) {
      if (!line) continue;
      for (const rs of JSON.parse(line).resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) written.add(s.spanId.toLowerCase());
    }
    const missing = [...acked].filter((id) => !written.has(id));
    process.stdout.write(`SIGTERM drain: ${acked.size} spans acknowledged, ${written.size} written, ${missing.length} missing, ${refused} refused requests\n`);
    expect(missing).toEqual([]);
  });
});

describe('shutdown budget', () => {
  it('exits 0 in time on SIGTERM while the downstream is down, counting what it could not deliver', async () => {
    const nowhere = await freePort();
    const { path: config, grpcPort, telemetryPort: telPort } = await writeChildConfig(tempDir(), {
      processors: '  batch: { timeout: 10ms, drain_timeout: 1s }',
      exporters: `  otlp/down: { endpoint: "127.0.0.1:${nowhere}", tls: { insecure: true }, sending_queue: { enabled: false } }`,
      service: '  shutdown_timeout: 10s',
      pipelines: '    traces: { receivers: [otlp], processors: [batch], exporters: [otlp/down] }',
    });
    const proc = spawnAgent(['run', '--config', config]);
    await waitFor200(`http://127.0.0.1:${telPort}/readyz`, 15_000, proc);
    const client = new RawOtlpClient(`127.0.0.1:${grpcPort}`);
    expect((await client.export('traces', encodeTracesRequest(makeTraces(5)))).code).toBe(GrpcCode.OK);
    client.close();
    await new Promise((r) => setTimeout(r, 200)); // the batch is now retrying against the dead downstream
    proc.child.kill('SIGTERM');
    expect(await proc.exited, proc.output()).toBe(0);
    expect(proc.output()).toMatch(/batch processor stopped with 5 items not delivered/);
  });
});

describe('outrider validate', () => {
  const run = (args: string[]) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return { code: err.status, out: err.stdout + err.stderr };
    }
  };

  it('exits 0 on config/default.yaml', () => {
    expect(existsSync('config/default.yaml')).toBe(true);
    const r = run(['validate', '--config', 'config/default.yaml']);
    expect(r.out).toMatch(/valid/);
    expect(r.code).toBe(0);
  });

  it('prints all three mistakes with key paths and exits 1', () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(file, `
receivers:
  otlp: { protocols: { grpc: { endpoint: "no-port-here" } } }
processors:
  batch: { timeout: soon }
exporters:
  debug: { verbosity: loud }
service:
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [debug] }
`);
    const r = run(['validate', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("receivers.otlp.protocols.grpc.endpoint: must be host:port, got 'no-port-here'");
    expect(r.out).toContain("processors.batch.timeout: expected a duration like 200ms, got 'soon'");
    expect(r.out).toMatch(/exporters\.debug\.verbosity: .*basic.*normal.*detailed/);
    expect(r.out).toMatch(/3 problem/);
  });

  it('prints the version', () => {
    expect(run(['version']).out).toMatch(/^outrider \d+\.\d+\.\d+/);
  });
});

// `outrider validate` (the built CLI) refuses what `outrider run` would refuse or hang on, naming the key path.
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, spawnAgent } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { freePort } from '../kit/ports.js';

/** Runs `outrider validate --config FILE`; resolves with the exit code and everything printed. */
function validate(path: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'validate', '--config', path], { env: { PATH: process.env.PATH }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, out: stdout + stderr });
    });
  });
}

function write(dir: string, name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

/** A config whose sqlite queue would live under /proc; the receiver and telemetry on the given ports. */
const procStorage = (grpcPort: number, telemetryPort: number) => `
storage: { path: /proc/outrider/q.db }
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:${grpcPort}" } } } }
exporters: { otlp: { endpoint: "127.0.0.1:1", tls: { insecure: true }, sending_queue: { storage: sqlite } } }
service:
  telemetry: { endpoint: "127.0.0.1:${telemetryPort}" }
  pipelines: { traces: { receivers: [otlp], exporters: [otlp] } }
`;

const refused: Array<[string, string, RegExp]> = [
  ['forward connector traces in, metrics out', `
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
connectors: { forward/a: }
exporters: { debug: }
service:
  telemetry: { endpoint: "127.0.0.1:0" }
  pipelines:
    traces: { receivers: [otlp], exporters: [forward/a] }
    metrics: { receivers: [forward/a], exporters: [debug] }
`, /service\.pipelines\.traces\.exporters\[0\]: connector 'forward\/a' cannot take traces/],
  ['two prometheus exporters', `
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
exporters: { prometheus: , prometheus/b: }
service:
  telemetry: { endpoint: "127.0.0.1:0" }
  pipelines: { metrics: { receivers: [otlp], exporters: [prometheus, prometheus/b] } }
`, /exporters\.prometheus\/b: only one prometheus exporter may run/],
  ['gRPC and HTTP on one port', `
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:4999" }, http: { endpoint: "127.0.0.1:4999" } } } }
exporters: { debug: }
service:
  telemetry: { endpoint: "127.0.0.1:0" }
  pipelines: { traces: { receivers: [otlp], exporters: [debug] } }
`, /receivers\.otlp\.protocols\.http\.endpoint: '127\.0\.0\.1:4999' is already used by receivers\.otlp\.protocols\.grpc\.endpoint/],
  ['a receiver on the telemetry endpoint', `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:4998" } } } }
exporters: { debug: }
service:
  telemetry: { endpoint: "127.0.0.1:4998" }
  pipelines: { traces: { receivers: [otlp], exporters: [debug] } }
`, /receivers\.otlp\.protocols\.http\.endpoint: '127\.0\.0\.1:4998' is already used by service\.telemetry\.endpoint/],
  ['storage under /proc', procStorage(0, 0), /storage\.path: cannot use '\/proc\/outrider\/q\.db': '\/proc' is on a proc pseudo-filesystem/],
];

describe('outrider validate', () => {
  it.each(refused)('exits 1 on %s, naming the key path', async (_name, yaml, expected) => {
    const r = await validate(write(tempDir(), 'config.yaml', yaml));
    expect(r.out).toMatch(expected);
    expect(r.code).toBe(1);
  });

  it('accepts the embedded default and every shipped example as shipped', async () => {
    const dir = fileURLToPath(new URL('../../config/examples/', import.meta.url));
    const shipped = [fileURLToPath(new URL('../../config/default.yaml', import.meta.url)), ...readdirSync(dir).filter((n) => n.endsWith('.yaml')).map((n) => join(dir, n))];
    for (const f of shipped) {
      const r = await validate(f);
      expect(r.out, f).toMatch(/: valid\n/);
      expect(r.code, f).toBe(0);
    }
  });

  it('prints warnings for components no pipeline uses, and still exits 0', async () => {
    const r = await validate(write(tempDir(), 'config.yaml', `
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
processors: { batch: }
exporters: { debug: }
service:
  telemetry: { endpoint: "127.0.0.1:0" }
  pipelines: { traces: { receivers: [otlp], exporters: [debug] } }
`));
    expect(r.out).toMatch(/warning: processors\.batch: declared but not used in any pipeline/);
    expect(r.code).toBe(0);
  });
});

describe('outrider run on an unusable storage path', () => {
  it('exits 1 at start, naming the path and the reason, instead of hanging', async () => {
    const dir = tempDir();
    const config = write(dir, 'config.yaml', procStorage(await freePort(), await freePort()));
    const proc = spawnAgent(['run', '--config', config]);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      proc.exited,
      new Promise<'still running'>((r) => { timer = setTimeout(() => r('still running'), 15_000); }),
    ]);
    clearTimeout(timer);
    if (outcome === 'still running') proc.child.kill('SIGKILL');
    expect(outcome).toBe(1);
    expect(proc.output()).toMatch(/storage\.path: cannot use '\/proc\/outrider\/q\.db': '\/proc' is on a proc pseudo-filesystem/);
  });
});

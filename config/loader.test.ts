import { describe, expect, it } from 'vitest';
import { factoryMap } from '../agent/factories.js';
import { formatProblem } from '../agent/component.js';
import { loadConfig } from './loader.js';
import { substituteEnv } from './env.js';
import { parseDurationMs } from './schema-helpers.js';

const factories = factoryMap();
const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
  const r = loadConfig({ yaml }, factories, env);
  return { ...r, lines: r.problems.map(formatProblem) };
};

const minimal = `
receivers: { otlp: }
exporters: { debug: }
service: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }
`;

describe('config loading', () => {
  it('loads the embedded default', () => {
    const r = loadConfig(undefined, factories, {});
    expect(r.problems).toEqual([]);
    expect(r.config!.pipelines.map((p) => p.name)).toEqual(['traces', 'metrics', 'logs']);
    // secrets are masked before span metrics or any exporter see them
    expect(r.config!.pipelines[0]!.processors).toEqual(['memory_limiter', 'redaction', 'spanmetrics', 'batch']);
    expect(r.config!.telemetry.endpoint).toBe('0.0.0.0:9464');
  });

  it('fills defaults for components given with no value', () => {
    const r = load(minimal);
    expect(r.lines).toEqual([]);
    const otlp = r.config!.components.get('receiver:otlp')!.config as { protocols: { grpc: { endpoint: string; max_recv_msg_size_mib: number }; http: { endpoint: string } } };
    expect(otlp.protocols.grpc).toEqual({ endpoint: 'localhost:4317', max_recv_msg_size_mib: 16 });
    expect(otlp.protocols.http.endpoint).toBe('localhost:4318');
    expect(r.config!.shutdownTimeoutMs).toBe(30_000);
  });

  it('enables only the protocols listed', () => {
    const r = load(minimal.replace('otlp: }', 'otlp: { protocols: { grpc: } } }'));
    expect(r.lines).toEqual([]);
    const otlp = r.config!.components.get('receiver:otlp')!.config as { protocols: { grpc?: object; http?: object } };
    expect(otlp.protocols.grpc).toBeDefined();
    expect(otlp.protocols.http).toBeUndefined();
  });

  it('substitutes ${env:VAR}, ${env:VAR:-default}, ${VAR} and $$', () => {
    const problems: never[] = [];
    const out = substituteEnv({ a: '${env:HOST}:${env:PORT:-4317}', b: ['${NAME}'], c: 'cost $$5', d: '${env:UNSET}', e: 7 },
      { HOST: 'collector', NAME: 'x' }, problems);
    expect(out).toEqual({ a: 'collector:4317', b: ['x'], c: 'cost $5', d: '', e: 7 });
    expect(problems).toEqual([]);
  });

  it('types numbers that come from the environment', () => {
    const r = load(minimal.replace('exporters: { debug: }', 'exporters: { debug: }\nprocessors: { batch: { send_batch_size: "${env:SIZE}" } }')
      .replace('exporters: [debug]', 'processors: [batch], exporters: [debug]'), { SIZE: '512' });
    expect(r.lines).toEqual([]);
    expect((r.config!.components.get('processor:batch')!.config as { send_batch_size: number }).send_batch_size).toBe(512);
  });

  it('reports every problem at once with key paths', () => {
    const r = load(`
storage: { path: "" }
receivers:
  otlp: { protocols: { grpc: { endpoint: "abc", colour: blue } } }
  zipkin: {}
processors:
  batch: { timeout: soon, send_batch_size: -1 }
  memory_limiter: { limit_mib: 100, spike_limit_mib: 200 }
exporters:
  debug: { verbosity: loud }
extensions: {}
service:
  pipelines:
    traces: { receivers: [otlp, jaeger], processors: [batch, batch], exporters: [debug] }
    events: { receivers: [otlp], exporters: [debug] }
`);
    expect(r.config).toBeUndefined();
    expect(r.lines).toEqual(expect.arrayContaining([
      'storage.path: must not be empty',
      'extensions: unknown key',
      "receivers.otlp.protocols.grpc.endpoint: must be host:port, got 'abc'",
      'receivers.otlp.protocols.grpc.colour: unknown key',
      expect.stringMatching(/^receivers\.zipkin: unknown receiver type 'zipkin' \(known: otlp\)$/),
      "processors.batch.timeout: expected a duration like 200ms, got 'soon'",
      'processors.batch.send_batch_size: must be at least 1, got -1',
      'processors.memory_limiter.spike_limit_mib: must be below limit_mib (100), got 200',
      "exporters.debug.verbosity: expected one of 'basic', 'normal', 'detailed', got string 'loud'",
      "service.pipelines.traces.receivers[1]: receiver 'jaeger' is not declared under receivers (or connectors)",
      "service.pipelines.traces.processors[1]: 'batch' is listed twice",
      "service.pipelines.events: pipeline name must be traces, metrics or logs, optionally /name; got 'events'",
    ]));
  });

  it('rejects malformed ids and YAML syntax errors with their position', () => {
    expect(load(minimal.replace('debug: }', 'debug: }\nprocessors: { "bat ch": {} }')).lines).toEqual(
      [expect.stringMatching(/^processors\.bat ch: invalid id 'bat ch'/)]);
    const y = load('receivers: { otlp: \n  - [');
    expect(y.lines[0]).toMatch(/<inline>:\d+:\d+: /);
  });

  it('requires a pipeline, a receiver and an exporter', () => {
    expect(load('service: { pipelines: {} }').lines).toEqual(['service.pipelines: at least one pipeline is required']);
    expect(load('receivers: { otlp: }\nservice: { pipelines: { traces: { receivers: [otlp], exporters: [] } } }').lines)
      .toEqual(['service.pipelines.traces.exporters: a pipeline needs at least one exporter']);
  });

  it('parses Collector-style durations', () => {
    expect(parseDurationMs('200ms')).toBe(200);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(parseDurationMs("5")).toBeUndefined();
  });
});

describe('environment warnings', () => {
  it('warns about an unset variable without a default, and not about one with a default', () => {
    const r = loadConfig({ yaml: minimal.replace('exporters: { debug: }', 'exporters: { debug: }\nstorage: { path: "${env:NOPE_UNSET}/db${env:ALSO_UNSET:-x}" }') }, factories, {});
    expect(r.warnings).toEqual([{ path: 'storage.path', message: "environment variable NOPE_UNSET is not set; using ''" }]);
  });
});

describe('files named by the config', () => {
  it('reports TLS files that cannot be read, as validate is run before start', () => {
    const r = loadConfig({ yaml: `
receivers: { otlp: { protocols: { grpc: { tls: { cert_file: /nonexistent/server.crt, key_file: /nonexistent/server.key } } } } }
exporters: { otlp/out: { endpoint: "collector:4317", tls: { ca_file: /nonexistent/ca.pem } } }
service: { pipelines: { traces: { receivers: [otlp], exporters: [otlp/out] } } }
` }, factories, {});
    expect(r.problems.map(formatProblem)).toEqual([
      "receivers.otlp.protocols.grpc.tls.cert_file: cannot read '/nonexistent/server.crt': ENOENT",
      "receivers.otlp.protocols.grpc.tls.key_file: cannot read '/nonexistent/server.key': ENOENT",
      "exporters.otlp/out.tls.ca_file: cannot read '/nonexistent/ca.pem': ENOENT",
    ]);
  });
});

// What `outrider validate` must catch before `run` refuses it, and messages that say what was expected and found.
import { describe, expect, it } from 'vitest';
import { factoryMap } from '../agent/factories.js';
import { formatProblem } from '../agent/component.js';
import { loadConfig } from './loader.js';

const factories = factoryMap();
const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
  const r = loadConfig({ yaml }, factories, env);
  return { ...r, lines: r.problems.map(formatProblem), warningLines: (r.warnings ?? []).map(formatProblem) };
};

/** Pipeline `from` exports to forward/a, pipeline `to` receives from it. */
const joined = (from: string, to: string) => `
receivers: { otlp: }
connectors: { forward/a: }
exporters: { debug: }
service:
  pipelines:
    ${from}: { receivers: [otlp], exporters: [forward/a] }
    ${to}: { receivers: [forward/a], exporters: [debug] }
`;

describe('checks across components (validate catches what run refuses)', () => {
  it('refuses a forward connector taking traces in and giving metrics out', () => {
    const r = load(joined('traces', 'metrics'));
    expect(r.lines).toEqual([
      "service.pipelines.traces.exporters[0]: connector 'forward/a' cannot take traces to any pipeline that receives from it (it feeds: metrics; forward connects traces→traces, metrics→metrics, logs→logs)",
      "service.pipelines.metrics.receivers[0]: connector 'forward/a' cannot give metrics from any pipeline that exports to it (it is fed by: traces; forward connects traces→traces, metrics→metrics, logs→logs)",
    ]);
  });

  it('accepts a forward connector joining pipelines of the same signal', () => {
    const r = load(joined('traces/in', 'traces/out'));
    expect(r.lines).toEqual([]);
  });

  it('refuses two prometheus exporters (the one /metrics registry serves one)', () => {
    const r = load(`
receivers: { otlp: }
exporters: { prometheus: , prometheus/b: }
service: { pipelines: { metrics: { receivers: [otlp], exporters: [prometheus, prometheus/b] } } }
`);
    expect(r.lines).toEqual([
      "exporters.prometheus/b: only one prometheus exporter may run (it serves the agent's one /metrics at service.telemetry.endpoint), and 'prometheus' is already used",
    ]);
  });

  /** The otlp receiver on `grpc` and `http`, the telemetry server on `telemetry`. */
  const oneReceiver = (grpc: string, http: string, telemetry: string) => `
receivers: { otlp: { protocols: { grpc: { endpoint: "${grpc}" }, http: { endpoint: "${http}" } } } }
exporters: { debug: }
service: { telemetry: { endpoint: "${telemetry}" }, pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }
`;

  it('refuses two listeners on one host:port: gRPC and HTTP, two receivers, a receiver and the telemetry endpoint', () => {
    expect(load(oneReceiver('127.0.0.1:4317', '127.0.0.1:4317', '127.0.0.1:9464')).lines).toEqual([
      "receivers.otlp.protocols.http.endpoint: '127.0.0.1:4317' is already used by receivers.otlp.protocols.grpc.endpoint",
    ]);
    expect(load(`
receivers:
  otlp: { protocols: { grpc: { endpoint: "0.0.0.0:5317" } } }
  otlp/2: { protocols: { grpc: { endpoint: "127.0.0.1:5317" }, http: { endpoint: "localhost:9464" } } }
exporters: { debug: }
service: { telemetry: { endpoint: ":9464" }, pipelines: { traces: { receivers: [otlp, otlp/2], exporters: [debug] } } }
`).lines).toEqual([
      "receivers.otlp/2.protocols.grpc.endpoint: '127.0.0.1:5317' is already used by receivers.otlp.protocols.grpc.endpoint ('0.0.0.0:5317')",
      "receivers.otlp/2.protocols.http.endpoint: 'localhost:9464' is already used by service.telemetry.endpoint (':9464')",
    ]);
  });

  it('lets port 0 (a free port) repeat, and different ports on one host', () => {
    expect(load(oneReceiver('127.0.0.1:0', '127.0.0.1:0', '127.0.0.1:0')).lines).toEqual([]);
  });
});

describe('messages say what was expected and what was found', () => {
  const withExporter = (exporter: string) => `
receivers: { otlp: }
exporters: { ${exporter} }
service: { pipelines: { metrics: { receivers: [otlp], exporters: [${exporter.split(':')[0]!.trim()}] } } }
`;

  it('an empty boolean from the environment', () => {
    expect(load(withExporter('otlp: { endpoint: "x:4317", tls: { insecure: "${env:INSECURE}" } }')).lines)
      .toEqual(["exporters.otlp.tls.insecure: expected boolean, got empty string ''"]);
  });

  it('a spanmetrics dimension of the wrong type', () => {
    const r = load(`
receivers: { otlp: }
processors: { spanmetrics: { dimensions: [5] } }
exporters: { debug: }
service: { pipelines: { traces: { receivers: [otlp], processors: [spanmetrics], exporters: [debug] } } }
`);
    expect(r.lines).toEqual(['processors.spanmetrics.dimensions.0: expected string or object, got number 5']);
  });

  it('an invalid Prometheus label name', () => {
    expect(load(withExporter('prometheus: { const_labels: { bad-label: x } }')).lines)
      .toEqual(["exporters.prometheus.const_labels.bad-label: invalid label name 'bad-label': must match [a-zA-Z_][a-zA-Z0-9_]*"]);
  });

  it('a string where a number is expected, and a number where a string is expected', () => {
    expect(load(withExporter('otlp: { endpoint: 5 }')).lines).toEqual(['exporters.otlp.endpoint: expected string, got number 5']);
  });

  it('an empty file', () => {
    expect(load('').lines).toEqual(['service: the config has no service section: add service.pipelines']);
    expect(load('# only a comment\n').lines).toEqual(['service: the config has no service section: add service.pipelines']);
  });

  it('a missing key names what is missing', () => {
    expect(load('service: { telemetry: {} }').lines).toEqual(['service.pipelines: missing: add a pipeline, e.g. traces: { receivers: [otlp], exporters: [debug] }']);
  });

  it('a YAML syntax error gives its position once', () => {
    const r = load('a: [\n b: {');
    expect(r.lines.length).toBeGreaterThan(0);
    for (const line of r.lines) {
      expect(line).toMatch(/^<inline>:\d+:\d+: /);
      expect(line).not.toMatch(/at line \d+, column \d+/);
      expect(line).not.toMatch(/:$/);
    }
  });

  it('header values may be numbers or booleans, read as strings, as the Collector does', () => {
    const r = load(withExporter('otlp: { endpoint: "x:4317", tls: { insecure: true }, headers: { x-tenant: 42, x-debug: true } }'));
    expect(r.lines).toEqual([]);
    expect((r.config!.components.get('exporter:otlp')!.config as { headers: unknown }).headers).toEqual({ 'x-tenant': '42', 'x-debug': 'true' });
    expect(load(withExporter('otlp: { endpoint: "x:4317", headers: { x-tenant: [1] } }')).lines)
      .toEqual(['exporters.otlp.headers.x-tenant: expected string, got array [1]']);
    const p = load(withExporter('prometheus: { const_labels: { shard: 3 } }'));
    expect(p.lines).toEqual([]);
    expect((p.config!.components.get('exporter:prometheus')!.config as { const_labels: unknown }).const_labels).toEqual({ shard: '3' });
  });

  it('a bare-number duration is refused with a request for a unit (the Collector would read nanoseconds)', () => {
    const r = load(`
receivers: { otlp: }
processors: { batch: { timeout: 5 } }
exporters: { debug: }
service: { pipelines: { traces: { receivers: [otlp], processors: [batch], exporters: [debug] } } }
`);
    expect(r.lines).toEqual(['processors.batch.timeout: a duration needs a unit (ms, s, m, h), got 5']);
    expect(load(`
receivers: { otlp: }
processors: { batch: { timeout: "\${env:T}" } }
exporters: { debug: }
service: { pipelines: { traces: { receivers: [otlp], processors: [batch], exporters: [debug] } } }
`, { T: '7' }).lines).toEqual(["processors.batch.timeout: a duration needs a unit (ms, s, m, h), got '7'"]);
  });

  it('zero needs no unit', () => {
    const r = load(withExporter('otlp: { endpoint: "x:4317", tls: { insecure: true }, retry_on_failure: { max_elapsed_time: 0 } }'));
    expect(r.lines).toEqual([]);
  });
});

describe('TLS files left empty by the environment', () => {
  it('an empty ca_file means the system roots; a named one must still be readable', () => {
    const cfg = (ca: string) => `
receivers: { otlp: }
exporters: { otlp: { endpoint: "x:4317", tls: { ca_file: "${ca}" } } }
service: { pipelines: { traces: { receivers: [otlp], exporters: [otlp] } } }
`;
    const r = load(cfg('${env:CA_FILE:-}'));
    expect(r.lines).toEqual([]);
    expect((r.config!.components.get('exporter:otlp')!.config as { tls: { ca_file?: string } }).tls.ca_file).toBeUndefined();
    expect(load(cfg('/nonexistent/ca.pem')).lines).toEqual(["exporters.otlp.tls.ca_file: cannot read '/nonexistent/ca.pem': ENOENT"]);
  });
});

describe('unused components', () => {
  it('warns about receivers, processors, exporters and connectors no pipeline uses', () => {
    const r = load(`
receivers: { otlp: , otlp/spare: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
processors: { batch: }
exporters: { debug: , nop: }
connectors: { forward/x: }
service: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }
`);
    expect(r.lines).toEqual([]);
    expect(r.warningLines).toEqual([
      'receivers.otlp/spare: declared but not used in any pipeline',
      'processors.batch: declared but not used in any pipeline',
      'exporters.nop: declared but not used in any pipeline',
      'connectors.forward/x: declared but not used in any pipeline',
    ]);
  });
});

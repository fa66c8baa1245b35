// Config trees for tests: an agent on loopback with free ports and a sink exporter.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory for a test's files (database, exports). */
export function tempDir(prefix = 'outrider-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** otlp (grpc + http on 127.0.0.1:0) → [processors] → sink, for traces, metrics and logs. */
export function sinkConfig(opts: { processors?: Record<string, unknown>; pipelineProcessors?: string[]; dir?: string } = {}) {
  const processors = opts.processors ?? { batch: { timeout: '20ms' } };
  const chain = opts.pipelineProcessors ?? Object.keys(processors);
  const pipeline = { receivers: ['otlp'], processors: chain, exporters: ['sink'] };
  return {
    storage: { path: join(opts.dir ?? tempDir(), 'outrider.db') },
    receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' }, http: { endpoint: '127.0.0.1:0' } } } },
    processors,
    exporters: { sink: {} },
    service: {
      telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } },
      pipelines: { traces: pipeline, metrics: pipeline, logs: pipeline },
    },
  };
}

/**
 * An in-process agent config for Prometheus tests: otlp on loopback (gRPC with `grpc`), span
 * metrics into `nop`, received metrics to the `prometheus` exporter, telemetry on a free port.
 */
export function prometheusAgentConfig(dir: string, opts: { grpc?: boolean; logLevel?: string } = {}) {
  const protocols = opts.grpc ? { grpc: { endpoint: '127.0.0.1:0' }, http: { endpoint: '127.0.0.1:0' } } : { http: { endpoint: '127.0.0.1:0' } };
  return {
    storage: { path: join(dir, 'outrider.db') },
    receivers: { otlp: { protocols } },
    processors: { spanmetrics: {} },
    exporters: { prometheus: {}, nop: {} },
    service: {
      telemetry: { endpoint: '127.0.0.1:0', logs: { level: opts.logLevel ?? 'warn' } },
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['spanmetrics'], exporters: ['nop'] },
        metrics: { receivers: ['otlp'], processors: [], exporters: ['prometheus'] },
      },
    },
  };
}

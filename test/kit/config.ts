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

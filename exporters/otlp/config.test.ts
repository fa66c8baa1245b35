// The otlp exporter config: Collector defaults, durations, every problem with its key path, endpoints.
import { describe, expect, it } from 'vitest';
import { parseGrpcEndpoint } from './config.js';
import { otlpExporterFactory as f } from './index.js';

describe('otlp config', () => {
  it('has the Collector defaults (durations in ms)', () => {
    expect(f.createDefaultConfig()).toEqual({
      endpoint: 'localhost:4317',
      tls: { insecure: false, insecure_skip_verify: false },
      headers: {},
      compression: 'gzip',
      timeout: 5_000,
      retry_on_failure: { enabled: true, initial_interval: 5_000, max_interval: 30_000, max_elapsed_time: 300_000, multiplier: 1.5, randomization_factor: 0.5 },
      sending_queue: { enabled: true, num_consumers: 10, queue_size: 1_000, max_bytes: 64 * 1024 * 1024, storage: 'memory', on_full: 'block', drain_timeout: 5_000, merge_max_bytes: 3 * 1024 * 1024 },
    });
    expect(f.validate(undefined)).toEqual([]);
  });

  it('reads Go-style durations (to ms) and numbers from ${env:…} strings', () => {
    const c = f.parse({ timeout: '1m30s', retry_on_failure: { initial_interval: '250ms', max_interval: '2s', max_elapsed_time: '0' }, sending_queue: { num_consumers: '4', enabled: 'true' } });
    expect(c.timeout).toBe(90_000);
    expect(c.retry_on_failure).toMatchObject({ initial_interval: 250, max_interval: 2_000, max_elapsed_time: 0 });
    expect(c.sending_queue).toMatchObject({ num_consumers: 4, enabled: true });
  });

  it('reports every problem with its key path', () => {
    const problems = f.validate({
      endpoint: 'jaeger',
      timeout: 'soon',
      compression: 'zstd',
      tls: { cert_file: '/c.pem' },
      sending_queue: { storage: 'disk', num_consumers: 0, bogus: 1 },
    }).map((p) => p.path).sort();
    expect(problems).toEqual(['compression', 'endpoint', 'sending_queue.bogus', 'sending_queue.num_consumers', 'sending_queue.storage', 'timeout', 'tls.cert_file', 'tls.key_file']);
    expect(() => f.parse({ endpoint: 'jaeger' })).toThrow(/otlp\.endpoint: must be host:port/);
  });

  it('parses endpoints', () => {
    expect(parseGrpcEndpoint('jaeger:4317')).toEqual({ target: 'jaeger:4317', scheme: undefined });
    expect(parseGrpcEndpoint('https://gw.example.com:443')).toEqual({ target: 'gw.example.com:443', scheme: 'https' });
    expect(parseGrpcEndpoint('http://127.0.0.1:4317/')).toEqual({ target: '127.0.0.1:4317', scheme: 'http' });
    expect(parseGrpcEndpoint('[::1]:4317')).toEqual({ target: '[::1]:4317', scheme: undefined });
    expect(parseGrpcEndpoint('jaeger:99999')).toBeUndefined();
    expect(parseGrpcEndpoint('grpc://jaeger:4317')).toBeUndefined();
  });
});

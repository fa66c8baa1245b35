// Config schemas shared by the OTLP exporters: timeout, retry_on_failure, sending_queue, tls, headers.
import { z } from 'zod';
import { bool, duration, num, optionalReadableFile, stringMap } from '../../config/schema-helpers.js';

/** `retry_on_failure` — exponential backoff with jitter, as the Collector's configretry. Durations ("5s") parse to ms. */
export const retrySchema = z.object({
  /** Retry retryable failures at all. Default true. */
  enabled: bool().default(true),
  /** First wait. Default 5s. */
  initial_interval: duration().default(5_000),
  /** Cap on one wait. Default 30s. */
  max_interval: duration().default(30_000),
  /** Give up after this long since the first attempt; 0 retries forever. Default 300s. */
  max_elapsed_time: duration().default(300_000),
  /** Growth factor of the wait. Default 1.5. */
  multiplier: num({ min: 1 }).default(1.5),
  /** Each wait is drawn from interval × [1 − f, 1 + f]. Default 0.5. */
  randomization_factor: num({ min: 0, max: 1 }).default(0.5),
}).strict().prefault({});
export type RetryConfig = z.output<typeof retrySchema>;

/** `sending_queue` — buffers encoded requests between `consume` and the N senders. */
export const queueSchema = z.object({
  /** Queue at all; when false `consume` sends (with retries) before it returns. Default true. */
  enabled: bool().default(true),
  /** Concurrent senders. Default 10. */
  num_consumers: num({ int: true, min: 1, max: 1000 }).default(10),
  /** Capacity in requests (batches). Default 1000. */
  queue_size: num({ int: true, min: 1 }).default(1000),
  /** Capacity in encoded bytes; 0 means no byte bound. Default 64 MiB. */
  max_bytes: num({ int: true, min: 0 }).default(64 * 1024 * 1024),
  /** `memory`, or `sqlite` (the agent's store: survives restart and kill -9). Default memory. */
  storage: z.enum(['memory', 'sqlite']).default('memory'),
  /** When full: `block` refuses the caller with a retryable error (UNAVAILABLE/503 upstream); `drop_oldest` evicts. Default block. */
  on_full: z.enum(['block', 'drop_oldest']).default('block'),
  /** At shutdown, how long to keep sending what is queued. Default 5s. */
  drain_timeout: duration().default(5_000),
  /**
   * A sender that takes a request also takes the requests queued right behind it (same signal) and
   * sends them as one, up to this many encoded bytes — a backlog after an outage drains in a few
   * large requests instead of many small ones. Keep it under the backend's message limit (gRPC's
   * common default is 4 MiB). 0 = send requests one by one. Default 3 MiB.
   */
  merge_max_bytes: num({ int: true, min: 0 }).default(3 * 1024 * 1024),
}).strict().prefault({});
export type QueueConfig = z.output<typeof queueSchema>;

/** `tls` — client TLS as the Collector's configtls. Files are PEM. */
export const tlsSchema = z.object({
  /** gRPC only: plaintext (no TLS). Default false. */
  insecure: bool().default(false),
  /** CA bundle to verify the server; default (or empty) the system roots. */
  ca_file: optionalReadableFile(),
  /** Client certificate for mTLS. */
  cert_file: optionalReadableFile(),
  /** Client key for mTLS. */
  key_file: optionalReadableFile(),
  /** Skip server certificate verification (testing only). Default false. */
  insecure_skip_verify: bool().default(false),
  /** Override the server name checked against the certificate. */
  server_name_override: z.string().optional(),
}).strict().superRefine((t, ctx) => {
  if ((t.cert_file === undefined) !== (t.key_file === undefined)) {
    ctx.addIssue({ code: 'custom', path: [t.cert_file === undefined ? 'cert_file' : 'key_file'], message: 'cert_file and key_file go together' });
  }
}).prefault({});
export type TlsConfig = z.output<typeof tlsSchema>;

/** The keys every OTLP exporter shares (each adds its own `endpoint`). */
export const commonExporterShape = {
  tls: tlsSchema,
  /** Extra request headers (gRPC metadata), e.g. an API key; number and boolean values are taken as text. */
  headers: stringMap().default({}),
  /** Request compression. Default gzip. */
  compression: z.enum(['gzip', 'none']).default('gzip'),
  /** Deadline of one attempt. Default 5s. */
  timeout: duration().default(5_000).refine((v) => v > 0, 'must be positive'),
  retry_on_failure: retrySchema,
  sending_queue: queueSchema,
};

/** The parsed shared part of an OTLP exporter config (durations in ms). */
export interface CommonExporterConfig {
  tls: TlsConfig;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  timeout: number;
  retry_on_failure: RetryConfig;
  sending_queue: QueueConfig;
}

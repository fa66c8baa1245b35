// Retryable-or-permanent classification of export failures (gRPC codes, HTTP statuses, throttling hints).
import { GrpcCode, OutriderError } from '../errors.js';
import { decodeRpcStatus } from '../pdata/rpc-status.js';

/** A failed export attempt: retryable or permanent, with a server's requested delay (ms) if any. */
export class ExportSendError extends OutriderError {
  /** The server's Retry-After / RetryInfo delay in ms; undefined when it gave none. */
  readonly retryAfterMs: number | undefined;
  /** Short failure label for logs, e.g. `grpc UNAVAILABLE`, `http 503`. */
  readonly failure: string;

  constructor(failure: string, message: string, retryable: boolean, retryAfterMs?: number, cause?: unknown) {
    super('EXPORT_FAILED', message, { retryable, retryAfterS: retryAfterMs === undefined ? undefined : retryAfterMs / 1000, cause });
    this.name = 'ExportSendError';
    this.failure = failure;
    this.retryAfterMs = retryable ? retryAfterMs : undefined;
  }
}

const grpcName = new Map<number, string>(Object.entries(GrpcCode).map(([k, v]) => [v, k]));
const grpcAlwaysRetryable = new Set<number>([
  GrpcCode.CANCELLED, GrpcCode.DEADLINE_EXCEEDED, GrpcCode.ABORTED, GrpcCode.OUT_OF_RANGE, GrpcCode.UNAVAILABLE, GrpcCode.DATA_LOSS,
]);

/**
 * A gRPC failure as the Collector's OTLP exporter sees it: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
 * OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS are retryable; RESOURCE_EXHAUSTED only with a RetryInfo
 * in `grpc-status-details-bin` (whose delay is honoured); everything else is permanent.
 */
export function classifyGrpc(code: number, details: string, statusDetailsBin?: Uint8Array): ExportSendError {
  const name = grpcName.get(code) ?? `code ${code}`;
  const retryDelayMs = statusDetailsBin ? decodeRpcStatus(statusDetailsBin)?.retryDelayMs : undefined;
  const retryable = grpcAlwaysRetryable.has(code) || (code === GrpcCode.RESOURCE_EXHAUSTED && retryDelayMs !== undefined);
  return new ExportSendError(`grpc ${name}`, `grpc ${name}: ${details}`, retryable, retryDelayMs);
}

/**
 * Retry-After as ms: delta-seconds or an HTTP date (relative to `nowMs`); undefined when
 * absent or unparseable. A date in the past yields 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // an HTTP-date (IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"); anything else is ignored
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

const httpRetryable = new Set([429, 502, 503, 504]);

/**
 * An HTTP failure per the OTLP spec: 429, 502, 503, 504 are retryable, honouring Retry-After
 * (seconds or HTTP date); every other status is permanent. `body` is the response, a
 * google.rpc.Status in protobuf, whose message is quoted when it decodes.
 */
export function classifyHttp(status: number, retryAfter: string | undefined, body?: Uint8Array): ExportSendError {
  const decoded = body && body.length ? decodeRpcStatus(body) : undefined;
  const text = decoded?.message || (body && body.length ? new TextDecoder().decode(body.subarray(0, 512)) : '');
  const retryable = httpRetryable.has(status);
  return new ExportSendError(`http ${status}`, `http ${status}${text ? `: ${text}` : ''}`, retryable, retryable ? parseRetryAfter(retryAfter) : undefined);
}

/**
 * Whether the peer refused a request for its size: gRPC RESOURCE_EXHAUSTED "received message larger
 * than max" (grpc-go and grpc-js word it so; a Collector's default limit is 4 MiB) or HTTP 413.
 */
export function tooLargeForPeer(err: ExportSendError): boolean {
  return err.failure === 'http 413' || (err.failure === 'grpc RESOURCE_EXHAUSTED' && /larger than max/i.test(err.message));
}

/** A transport failure before any response (connection refused, reset, timeout): retryable. */
export function networkFailure(err: unknown): ExportSendError {
  const e = err as NodeJS.ErrnoException;
  const label = e?.code ?? e?.name ?? 'error';
  return new ExportSendError(`network ${label}`, `network: ${e?.message ?? String(err)}`, true, undefined, err);
}

/** What OpenSSL says when the server answered a TLS handshake in plaintext (HTTP/1.1 or HTTP/2 bytes). */
const PLAINTEXT_PEER = /wrong version number|WRONG_VERSION_NUMBER|packet length too long|http request/i;

/**
 * The same failure with a hint when TLS met a plaintext server, e.g. "… wrong version number (the
 * endpoint may be plaintext: set tls.insecure: true)"; `fix` names the switch of the exporter at hand.
 */
export function withPlaintextHint(err: ExportSendError, fix: string): ExportSendError {
  if (!PLAINTEXT_PEER.test(err.message)) return err;
  const message = `${err.message.replace(/:\s*$/, '')} (the endpoint may be plaintext: ${fix})`;
  return new ExportSendError(err.failure, message, err.retryable, err.retryAfterMs, err.cause);
}

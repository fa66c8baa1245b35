// The transport contract: send one encoded request within a deadline, say what the server accepted.
import type { ExportRequest } from './request.js';

/** The server's answer to a successful export (its partial_success, zero when absent). */
export interface SendResult {
  /** Items the server rejected (partial success); they are not retried. */
  rejected: number;
  /** The server's explanation, possibly a warning with rejected = 0. */
  errorMessage: string;
}

/** One attempt's bounds. */
export interface SendOptions {
  /** Deadline of this attempt in ms. */
  timeoutMs: number;
  /** Aborts the attempt (hard shutdown). */
  signal?: AbortSignal;
}

/**
 * Sends encoded OTLP requests to one backend. `send` resolves with the partial-success
 * outcome or rejects with an ExportSendError that says whether to retry.
 */
export interface Transport {
  /** Human-readable destination for logs, e.g. `grpc jaeger:4317`. */
  readonly target: string;
  send(req: ExportRequest, opts: SendOptions): Promise<SendResult>;
  /** Closes connections; pending sends fail. */
  close(): Promise<void>;
}

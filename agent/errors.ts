// The one catalogue of coded errors, and their single mapping to gRPC codes and HTTP statuses.

/** gRPC status codes used by Outrider (numeric values from grpc's status.proto). */
export const GrpcCode = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12,
  INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;

export type ErrorCode =
  | 'BAD_CONFIG'
  | 'INVALID_DATA'        // malformed protobuf or JSON; permanent
  | 'TOO_LARGE'           // body or message over the limit; permanent
  | 'UNSUPPORTED_MEDIA'   // wrong Content-Type
  | 'METHOD_NOT_ALLOWED'
  | 'TIMEOUT'             // the client did not send its whole request in time; permanent
  | 'ABORTED'             // the client went away before its request was complete
  | 'DATA_REFUSED'        // backpressure (memory, full queue); retryable
  | 'SHUTTING_DOWN'       // intake closed; retryable
  | 'EXPORT_FAILED'       // downstream failure; retryable unless said otherwise
  | 'UNAUTHENTICATED'     // missing or wrong credentials (admin API)
  | 'NOT_FOUND'           // no such id (admin API)
  | 'CONFLICT'            // the change collides with what exists, e.g. a file-defined item (admin API)
  | 'RATE_LIMITED'        // too many attempts from one client; retryable later
  | 'NOT_CONFIGURED'      // the part that would answer is not configured in this agent
  | 'INTERNAL';

const grpcOf: Record<ErrorCode, number> = {
  BAD_CONFIG: GrpcCode.INTERNAL,
  INVALID_DATA: GrpcCode.INVALID_ARGUMENT,
  TOO_LARGE: GrpcCode.RESOURCE_EXHAUSTED,
  UNSUPPORTED_MEDIA: GrpcCode.INVALID_ARGUMENT,
  METHOD_NOT_ALLOWED: GrpcCode.UNIMPLEMENTED,
  TIMEOUT: GrpcCode.DEADLINE_EXCEEDED,
  ABORTED: GrpcCode.CANCELLED,
  DATA_REFUSED: GrpcCode.UNAVAILABLE,
  SHUTTING_DOWN: GrpcCode.UNAVAILABLE,
  EXPORT_FAILED: GrpcCode.UNAVAILABLE,
  UNAUTHENTICATED: GrpcCode.UNAUTHENTICATED,
  NOT_FOUND: GrpcCode.NOT_FOUND,
  CONFLICT: GrpcCode.ALREADY_EXISTS,
  RATE_LIMITED: GrpcCode.RESOURCE_EXHAUSTED,
  NOT_CONFIGURED: GrpcCode.UNAVAILABLE,
  INTERNAL: GrpcCode.INTERNAL,
};

const httpOf: Record<ErrorCode, number> = {
  BAD_CONFIG: 500,
  INVALID_DATA: 400,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA: 415,
  METHOD_NOT_ALLOWED: 405,
  TIMEOUT: 408,
  ABORTED: 400,
  DATA_REFUSED: 503,
  SHUTTING_DOWN: 503,
  EXPORT_FAILED: 503,
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  NOT_CONFIGURED: 503,
  INTERNAL: 500,
};

/** An error that knows whether the sender may retry and how it maps onto gRPC and HTTP. */
export class OutriderError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Seconds a sender should wait before retrying (Retry-After / RetryInfo); retryable errors only. */
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; retryAfterS?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OutriderError';
    this.code = code;
    this.retryable = opts.retryable ?? (code === 'DATA_REFUSED' || code === 'SHUTTING_DOWN' || code === 'EXPORT_FAILED' || code === 'RATE_LIMITED');
    this.retryAfterS = this.retryable ? opts.retryAfterS : undefined;
  }

  /** A permanent export failure is INTERNAL/500, so the sender does not retry what cannot succeed. */
  get grpcCode(): number { return this.code === 'EXPORT_FAILED' && !this.retryable ? GrpcCode.INTERNAL : grpcOf[this.code]; }
  get httpStatus(): number { return this.code === 'EXPORT_FAILED' && !this.retryable ? 500 : httpOf[this.code]; }
}

export const errors = {
  badConfig: (message: string) => new OutriderError('BAD_CONFIG', message),
  invalidData: (message: string, cause?: unknown) => new OutriderError('INVALID_DATA', message, { cause }),
  tooLarge: (message: string) => new OutriderError('TOO_LARGE', message),
  unsupportedMedia: (message: string) => new OutriderError('UNSUPPORTED_MEDIA', message),
  methodNotAllowed: (message: string) => new OutriderError('METHOD_NOT_ALLOWED', message),
  timeout: (message: string) => new OutriderError('TIMEOUT', message),
  aborted: (message: string) => new OutriderError('ABORTED', message),
  dataRefused: (message: string, retryAfterS = 1) => new OutriderError('DATA_REFUSED', message, { retryAfterS }),
  shuttingDown: (what: string) => new OutriderError('SHUTTING_DOWN', `${what} is shutting down`, { retryAfterS: 1 }),
  exportFailed: (message: string, retryable: boolean, cause?: unknown) =>
    new OutriderError('EXPORT_FAILED', message, { retryable, cause }),
  internal: (message: string, cause?: unknown) => new OutriderError('INTERNAL', message, { cause }),
  unauthenticated: (message: string) => new OutriderError('UNAUTHENTICATED', message),
  notFound: (message: string) => new OutriderError('NOT_FOUND', message),
  conflict: (message: string) => new OutriderError('CONFLICT', message),
  rateLimited: (message: string, retryAfterS: number) => new OutriderError('RATE_LIMITED', message, { retryAfterS }),
  notConfigured: (message: string) => new OutriderError('NOT_CONFIGURED', message),
};

/** Any thrown value as an OutriderError; unknown errors are internal and not retryable. */
export function asOutriderError(err: unknown): OutriderError {
  if (err instanceof OutriderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return errors.internal(message, err);
}

// A raw OTLP/gRPC client for tests: sends already-encoded bytes and reports the status.
import * as grpc from '@grpc/grpc-js';

const PATHS = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
} as const;

export interface RawResult { code: number; details: string; response?: Buffer; metadata?: grpc.Metadata }

export class RawOtlpClient {
  private readonly client: grpc.Client;

  constructor(address: string, options: grpc.ClientOptions = {}) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, ...options });
  }

  export(signal: keyof typeof PATHS, body: Uint8Array, timeoutMs = 10_000): Promise<RawResult> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest<Buffer, Buffer>(
        PATHS[signal], (b) => b, (b) => b, Buffer.from(body.buffer, body.byteOffset, body.byteLength), new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, response) => {
          if (err) resolve({ code: err.code, details: err.details, metadata: err.metadata });
          else resolve({ code: 0, details: '', response });
        },
      );
    });
  }

  close(): void { this.client.close(); }
}

// OTLP/gRPC server: TraceService, MetricsService and LogsService Export on one @grpc/grpc-js server.
import * as grpc from '@grpc/grpc-js';
import { asOutriderError, type OutriderError } from '../../agent/errors.js';
import { encodeExportResponse } from '../../agent/pdata/proto-encode.js';
import type { Signal } from '../../agent/pdata/model.js';
import { OTLP_GRPC_PATHS } from '../../agent/pdata/otlp-paths.js';
import { splitEndpoint } from '../../agent/endpoint.js';
import type { OtlpGrpcConfig } from './config.js';
import { decodeBody, type Intake } from './intake.js';
import { encodeRpcStatus } from '../../agent/pdata/rpc-status.js';
import { readTlsFiles } from '../../agent/tls-files.js';
import { withTimeout } from '../../agent/clock.js';

const EMPTY = Buffer.alloc(0); // Export*ServiceResponse with no partial_success
const identity = (b: Buffer) => b;
const SHUTDOWN_GRACE_MS = 5000;

function toServiceError(err: OutriderError): Partial<grpc.ServiceError> {
  const out: Partial<grpc.ServiceError> = { code: err.grpcCode, details: err.message };
  if (err.retryable && err.retryAfterS !== undefined) {
    const md = new grpc.Metadata();
    md.set('grpc-status-details-bin', Buffer.from(encodeRpcStatus({ code: err.grpcCode, message: err.message, retryDelayMs: Math.max(1, Math.ceil(err.retryAfterS)) * 1000 })));
    out.metadata = md;
  }
  return out;
}

export class OtlpGrpcServer {
  private server: grpc.Server | undefined;
  private boundPort = 0;

  constructor(private readonly config: OtlpGrpcConfig, private readonly intake: Intake) {}

  /** host:port actually bound (the port is real even when the config said 0). */
  get address(): string {
    return `${splitEndpoint(this.config.endpoint).host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const maxBytes = Math.floor(this.config.max_recv_msg_size_mib * 1024 * 1024);
    const server = new grpc.Server({
      'grpc.max_receive_message_length': maxBytes,
      'grpc.max_send_message_length': 4 * 1024 * 1024,
      // channelz (per-call and per-socket bookkeeping for gRPC's debug service) is not served here
      'grpc.enable_channelz': 0,
    });
    for (const signal of this.intake.signals) {
      const path = OTLP_GRPC_PATHS[signal];
      const definition: grpc.ServiceDefinition = {
        Export: {
          path, requestStream: false, responseStream: false,
          requestSerialize: identity, requestDeserialize: identity,
          responseSerialize: identity, responseDeserialize: identity,
        },
      };
      server.addService(definition, { Export: this.handler(signal) });
    }
    const { host, port } = splitEndpoint(this.config.endpoint);
    const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    let credentials = grpc.ServerCredentials.createInsecure();
    if (this.config.tls) {
      const t = readTlsFiles('receivers.otlp.protocols.grpc', this.config.tls);
      credentials = grpc.ServerCredentials.createSsl(t.client_ca_file ?? null, [{ cert_chain: t.cert_file!, private_key: t.key_file! }], t.client_ca_file !== undefined);
    }
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(target, credentials, (err, p) => (err ? reject(new Error(`receivers.otlp: cannot listen on grpc ${this.config.endpoint}: ${err.message}`)) : resolve(p))));
    this.server = server;
  }

  private handler(signal: Signal): grpc.handleUnaryCall<Buffer, Buffer> {
    return (call, callback) => {
      let data;
      let charged = 0;
      try {
        this.intake.admit(call.request.length);
        charged = call.request.length;
        data = decodeBody(signal, 'protobuf', call.request);
      } catch (e) {
        this.intake.release(charged);
        const err = asOutriderError(e);
        this.intake.badRequest('grpc', err);
        callback(toServiceError(err));
        return;
      }
      this.intake.accept(signal, data, 'grpc').then(
        (partial) => { this.intake.release(charged); callback(null, partial.rejected === 0 ? EMPTY : Buffer.from(encodeExportResponse(partial.rejected, partial.message))); },
        (e) => { this.intake.release(charged); callback(toServiceError(asOutriderError(e))); },
      );
    };
  }

  /** Stops accepting connections and waits (bounded) for calls in flight to finish. */
  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    if (!(await withTimeout(this.intake.settings.clock, drained, SHUTDOWN_GRACE_MS)).done) server.forceShutdown();
  }
}


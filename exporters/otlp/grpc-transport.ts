// OTLP/gRPC transport: raw encoded requests over @grpc/grpc-js unary calls, failures classified for retry.
import * as grpc from '@grpc/grpc-js';
import { classifyGrpc, withPlaintextHint } from '../../agent/exporterhelper/classify.js';
import type { ExportRequest } from '../../agent/exporterhelper/request.js';
import { readTlsFiles } from '../../agent/tls-files.js';
import type { SendOptions, SendResult, Transport } from '../../agent/exporterhelper/transport.js';
import { decodeExportResponse } from '../../agent/pdata/proto-encode.js';
import { OTLP_GRPC_PATHS } from '../../agent/pdata/otlp-paths.js';
import type { Signal } from '../../agent/pdata/model.js';
import { agentVersion } from '../../agent/version.js';
import { parseGrpcEndpoint, type OtlpConfig } from './config.js';

/** The OTLP collector service method of each signal. */

const identity = (b: Buffer): Buffer => b;

/** Channel credentials from `tls` and the endpoint's scheme (https:// forces TLS, http:// plaintext). */
function credentialsOf(who: string, cfg: OtlpConfig, scheme: 'http' | 'https' | undefined): grpc.ChannelCredentials {
  const plaintext = scheme === 'http' || (scheme === undefined && cfg.tls.insecure);
  if (plaintext) return grpc.credentials.createInsecure();
  const m = readTlsFiles(who, { ca_file: cfg.tls.ca_file, cert_file: cfg.tls.cert_file, key_file: cfg.tls.key_file });
  const skip = cfg.tls.insecure_skip_verify;
  return grpc.credentials.createSsl(m.ca_file ?? null, m.key_file ?? null, m.cert_file ?? null, {
    rejectUnauthorized: !skip,
    ...(skip ? { checkServerIdentity: () => undefined } : {}),
  });
}

/** Sends requests as `Export` unary calls on one channel; throws ExportSendError on failure. */
export class GrpcTransport implements Transport {
  readonly target: string;
  private readonly client: grpc.Client;
  private readonly metadata: grpc.Metadata;
  /** Whether the channel speaks TLS. */
  private readonly tls: boolean;

  /** @throws BAD_CONFIG when a TLS file cannot be read */
  constructor(who: string, cfg: OtlpConfig) {
    const ep = parseGrpcEndpoint(cfg.endpoint)!;
    this.target = `grpc ${ep.target}`;
    const options: grpc.ChannelOptions = {
      'grpc.default_compression_algorithm': cfg.compression === 'gzip' ? grpc.compressionAlgorithms.gzip : grpc.compressionAlgorithms.identity,
      'grpc.primary_user_agent': `outrider/${agentVersion()}`,
      // reconnect soon after an outage ends; the exporter's own backoff paces the retries
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 5_000,
      'grpc.enable_retries': 0,
      // no channelz debug service in the agent: skip its per-call bookkeeping
      'grpc.enable_channelz': 0,
      ...(cfg.tls.server_name_override ? { 'grpc.ssl_target_name_override': cfg.tls.server_name_override, 'grpc.default_authority': cfg.tls.server_name_override } : {}),
    };
    this.tls = !(ep.scheme === 'http' || (ep.scheme === undefined && cfg.tls.insecure));
    this.client = new grpc.Client(ep.target, credentialsOf(who, cfg, ep.scheme), options);
    this.metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(cfg.headers)) this.metadata.set(k.toLowerCase(), v);
  }

  send(req: ExportRequest, opts: SendOptions): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
      const onAbort = () => call.cancel();
      const call = this.client.makeUnaryRequest<Buffer, Buffer>(
        OTLP_GRPC_PATHS[req.signal], identity, identity, body, this.metadata.clone(),
        { deadline: Date.now() + opts.timeoutMs },
        (err, response) => {
          opts.signal?.removeEventListener('abort', onAbort);
          if (err) {
            const details = err.metadata?.get('grpc-status-details-bin')[0];
            const failure = classifyGrpc(err.code, err.details || err.message, Buffer.isBuffer(details) ? details : undefined);
            reject(this.tls ? withPlaintextHint(failure, 'set tls.insecure: true, or use an http:// endpoint') : failure);
            return;
          }
          try {
            resolve(response && response.length ? decodeExportResponse(response) : { rejected: 0, errorMessage: '' });
          } catch {
            resolve({ rejected: 0, errorMessage: 'unreadable export response' });
          }
        },
      );
      if (opts.signal?.aborted) call.cancel();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

// A real OTLP/gRPC server for tests: decodes with the agent's decoder, records metadata, answers as scripted.
import * as grpc from '@grpc/grpc-js';
import { toHex } from '../../agent/pdata/hex.js';
import { readFileSync } from 'node:fs';
import type { LogsData, MetricsData, Signal, TracesData } from '../../agent/pdata/model.js';
import { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from '../../agent/pdata/proto-decode.js';
import { encodeExportResponse } from '../../agent/pdata/proto-encode.js';
import { OTLP_GRPC_PATHS as grpcPaths } from '../../agent/pdata/otlp-paths.js';

/** How the sink answers one call: OK (optionally partial success) or a gRPC error. */
export type SinkAnswer =
  | { ok: true; rejected?: number; errorMessage?: string }
  | { ok: false; code: number; message: string; statusDetailsBin?: Uint8Array };

export interface GrpcSinkOptions {
  /** Port to bind on 127.0.0.1; 0 picks one. */
  port?: number;
  /** Serve TLS with these PEM files; `clientCa` asks for and verifies client certificates. */
  tls?: { cert: string; key: string; clientCa?: string };
  /** Decides each answer; default OK. */
  answer?: (signal: Signal, call: { metadata: grpc.Metadata; body: Buffer }) => SinkAnswer;
}

/** What the sink holds; items are counted only for accepted calls. */
export interface GrpcSink {
  port: number;
  traces: TracesData[];
  metrics: MetricsData[];
  logs: LogsData[];
  /** Metadata of every call, accepted or not. */
  calls: Array<{ signal: Signal; metadata: grpc.Metadata }>;
  /** Spans accepted so far. */
  spans(): number;
  /** Hex ids of every span accepted so far, across every resource of every request. */
  spanIds(): string[];
  close(): Promise<void>;
}

const identity = (b: Buffer): Buffer => b;

/** Starts a sink on 127.0.0.1 serving the three OTLP Export methods with raw bytes. */
export async function startGrpcSink(opts: GrpcSinkOptions = {}): Promise<GrpcSink> {
  const server = new grpc.Server();
  const sink: GrpcSink = {
    port: 0, traces: [], metrics: [], logs: [], calls: [],
    spanIds: () => sink.traces.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => toHex(sp.spanId))))),
    spans: () => sink.traces.reduce((n, td) => n + td.resourceSpans.reduce((m, rs) => m + rs.scopeSpans.reduce((k, ss) => k + ss.spans.length, 0), 0), 0),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())).then(() => server.forceShutdown()),
  };
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const def: grpc.ServiceDefinition = {
      Export: { path: grpcPaths[signal], requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity, originalName: 'Export' },
    };
    server.addService(def, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        sink.calls.push({ signal, metadata: call.metadata });
        const a = opts.answer?.(signal, { metadata: call.metadata, body: call.request }) ?? { ok: true };
        if (!a.ok) {
          const trailer = new grpc.Metadata();
          if (a.statusDetailsBin) trailer.set('grpc-status-details-bin', Buffer.from(a.statusDetailsBin));
          cb({ code: a.code, details: a.message, metadata: trailer });
          return;
        }
        const bytes = new Uint8Array(call.request); // a plain copy, so decoded ids are Uint8Array, not Buffer
        if (signal === 'traces') sink.traces.push(decodeTracesRequest(bytes));
        else if (signal === 'metrics') sink.metrics.push(decodeMetricsRequest(bytes));
        else sink.logs.push(decodeLogsRequest(bytes));
        cb(null, Buffer.from(encodeExportResponse(a.rejected ?? 0, a.errorMessage ?? '')));
      },
    });
  }
  const creds = opts.tls
    ? grpc.ServerCredentials.createSsl(opts.tls.clientCa ? readFileSync(opts.tls.clientCa) : null,
      [{ cert_chain: readFileSync(opts.tls.cert), private_key: readFileSync(opts.tls.key) }], opts.tls.clientCa !== undefined)
    : grpc.ServerCredentials.createInsecure();
  sink.port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${opts.port ?? 0}`, creds, (err, port) => (err ? reject(err) : resolve(port)));
  });
  return sink;
}

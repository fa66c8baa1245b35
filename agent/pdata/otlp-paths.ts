// Where OTLP lives on the wire: gRPC method paths and HTTP paths, per signal.
import type { Signal } from './model.js';

/** gRPC method of each signal's Export call. */
export const OTLP_GRPC_PATHS: Readonly<Record<Signal, string>> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** OTLP/HTTP path of each signal. */
export const OTLP_HTTP_PATHS: Readonly<Record<Signal, string>> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

// Loads the OTLP .proto files of agent/pdata/proto into a protobufjs reflection root (tests and benches only).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** Directory holding the OTLP and google.rpc .proto files (works from the sources and from dist/). */
export const PROTO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../agent/pdata/proto');

const FILES = [
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'google/rpc/status.proto',
];

/** A resolved protobufjs root with every OTLP message (google/protobuf/* come from protobufjs itself). */
export function loadOtlpRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(PROTO_DIR, target));
  root.loadSync(FILES);
  root.resolveAll();
  return root;
}

// The null-sink baseline (run as its own process): a bare @grpc/grpc-js server that decodes every
// trace request with the agent's own decoder and drops it. Prints its port, then serves until killed.
import * as grpc from '@grpc/grpc-js';
import { decodeTracesRequest } from '../agent/pdata/proto-decode.js';

const server = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
const identity = (b: Buffer) => b;
server.addService({
  Export: { path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
}, {
  Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
    try { decodeTracesRequest(call.request); cb(null, Buffer.alloc(0)); } catch (e) { cb({ code: grpc.status.INVALID_ARGUMENT, details: (e as Error).message }); }
  },
});
server.bindAsync(process.argv[2] ?? '127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) { process.stderr.write(`${err.message}\n`); process.exit(1); }
  process.stdout.write(`${port}\n`);
});
process.on('SIGTERM', () => server.forceShutdown());

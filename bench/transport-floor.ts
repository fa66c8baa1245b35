// The transport floor (run as its own process): a bare node:http2 server that answers every gRPC
// call OK with an empty message once its request has arrived, decoding nothing — what carrying OTLP/gRPC
// over HTTP/2 costs in this runtime before any of the agent's work. Same flow-control windows as
// the agent's receiver. Prints its port, then serves until killed.
import http2 from 'node:http2';
import { SESSION_WINDOW, STREAM_WINDOW } from '../receivers/otlp/grpc-server.js';

const EMPTY_MESSAGE = Buffer.alloc(5);
const server = http2.createServer({ settings: { initialWindowSize: STREAM_WINDOW, maxFrameSize: STREAM_WINDOW }, maxSessionMemory: Number.MAX_SAFE_INTEGER });
server.on('session', (session) => { try { session.setLocalWindowSize(SESSION_WINDOW); } catch { /* gone */ } });
server.on('stream', (stream) => {
  stream.on('data', () => { /* dropped */ });
  stream.on('error', () => { /* the client went away */ });
  stream.on('end', () => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(EMPTY_MESSAGE);
  });
});
server.listen(0, process.argv[2] ?? '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));

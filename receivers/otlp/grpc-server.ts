// OTLP/gRPC server: TraceService, MetricsService and LogsService Export as unary gRPC calls over
// node's HTTP/2, written for this one job: a call's message is collected with at most one copy,
// decoded, handed to the pipelines, and answered with a trailers frame. A general gRPC server
// (per-call objects, metadata maps, stream wrappers, message copies) cost ~3 points of a core
// more at 10,000 spans/s: see README.md, Performance.
import { lookup } from 'node:dns/promises';
import http2 from 'node:http2';
import net from 'node:net';
import { asOutriderError, errors, type OutriderError } from '../../agent/errors.js';
import { encodeExportResponse } from '../../agent/pdata/proto-encode.js';
import type { Signal } from '../../agent/pdata/model.js';
import { OTLP_GRPC_PATHS } from '../../agent/pdata/otlp-paths.js';
import { splitEndpoint } from '../../agent/endpoint.js';
import { encodeRpcStatus } from '../../agent/pdata/rpc-status.js';
import { readTlsFiles } from '../../agent/tls-files.js';
import { withTimeout } from '../../agent/clock.js';
import { encodeBinaryHeader, encodeGrpcMessage, frameMessage, GRPC_ACCEPT_ENCODING, GRPC_ENCODINGS, parseGrpcTimeout, UnaryMessageReader } from '../../agent/grpc/wire.js';
import type { OtlpGrpcConfig } from './config.js';
import { decompress } from './decompress.js';
import { decodeBody, type Intake } from './intake.js';

/** An Export*ServiceResponse with no partial_success, framed. */
const EMPTY_RESPONSE = frameMessage(new Uint8Array(0));
const SHUTDOWN_GRACE_MS = 5000;
/** How long a stream that ended inside its message frame waits for the reset that may follow. */
const CUT_FRAME_WAIT_MS = 100;
/** Flow-control windows: a client may send this much before the agent's reads acknowledge it. */
export const STREAM_WINDOW = 1 << 20;
export const SESSION_WINDOW = 16 << 20;
const noop = (): void => undefined;

type Http2Server = http2.Http2Server | http2.Http2SecureServer;

/** Where one call is: reading its message, handing it on, or answered (or gone). */
const enum State { Reading, Handling, Done }

export class OtlpGrpcServer {
  private server: Http2Server | undefined;
  /** Extra listeners for a host name with more than one address (localhost: 127.0.0.1 and ::1). */
  private readonly extra: net.Server[] = [];
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly methods = new Map<string, Signal>();
  private readonly maxBytes: number;
  private boundPort = 0;

  constructor(private readonly config: OtlpGrpcConfig, private readonly intake: Intake) {
    this.maxBytes = Math.floor(config.max_recv_msg_size_mib * 1024 * 1024);
  }

  /** host:port actually bound (the port is real even when the config said 0). */
  get address(): string {
    return `${splitEndpoint(this.config.endpoint).host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    for (const signal of this.intake.signals) this.methods.set(OTLP_GRPC_PATHS[signal], signal);
    const options: http2.ServerOptions = {
      settings: { initialWindowSize: STREAM_WINDOW, maxFrameSize: STREAM_WINDOW },
      // what a session may buffer is bounded by the memory_limiter's admission, not per session
      maxSessionMemory: Number.MAX_SAFE_INTEGER,
    };
    let server: Http2Server;
    if (this.config.tls) {
      const t = readTlsFiles('receivers.otlp.protocols.grpc', this.config.tls);
      const mtls = t.client_ca_file !== undefined;
      server = http2.createSecureServer({ ...options, cert: t.cert_file, key: t.key_file, ca: t.client_ca_file, requestCert: mtls, rejectUnauthorized: mtls, ALPNProtocols: ['h2'] });
      server.on('tlsClientError', noop);
    } else {
      server = http2.createServer(options);
    }
    server.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
      session.on('error', noop);
      // a session already gone (a client that connected and left at once) keeps the default window
      try { session.setLocalWindowSize(SESSION_WINDOW); } catch { /* gone */ }
    });
    server.on('sessionError', noop);
    server.on('stream', (stream, headers) => this.onStream(stream, headers));
    await this.listen(server);
    this.server = server;
  }

  /** Listens on every address of the configured host (as gRPC servers do), on one port. */
  private async listen(server: Http2Server): Promise<void> {
    const { host, port } = splitEndpoint(this.config.endpoint);
    const fail = (err: Error) => new Error(`receivers.otlp: cannot listen on grpc ${this.config.endpoint}: ${err.message}`);
    let addresses: string[];
    try {
      addresses = net.isIP(host) ? [host] : [...new Set((await lookup(host, { all: true })).map((a) => a.address))];
    } catch (err) {
      throw fail(err as Error);
    }
    const bind = (s: net.Server, address: string, p: number) => new Promise<number>((resolve, reject) => {
      s.once('error', reject);
      s.listen(p, address, () => { s.off('error', reject); resolve((s.address() as net.AddressInfo).port); });
    });
    try {
      this.boundPort = await bind(server, addresses[0]!, port);
    } catch (err) {
      throw fail(err as Error);
    }
    for (const address of addresses.slice(1)) {
      const s = net.createServer((socket) => server.emit('connection', socket));
      // an address family this machine lacks is skipped; the first address serves
      try { await bind(s, address, this.boundPort); this.extra.push(s); } catch { s.close(); }
    }
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    // a client's reset or a write after it: the call is over either way, and counted below
    stream.on('error', noop);
    const call = new UnaryCall(stream, this, this.maxBytes);
    const path = headers[':path'] ?? '';
    if (headers[':method'] !== 'POST') return call.refuse(errors.methodNotAllowed(`method ${headers[':method']} not allowed: gRPC calls are POST`), 405);
    const type = headers['content-type'];
    if (typeof type !== 'string' || !type.startsWith('application/grpc')) {
      return call.refuse(errors.unsupportedMedia(`unsupported content-type '${type ?? ''}': gRPC calls are application/grpc`), 415);
    }
    const signal = this.methods.get(path);
    if (signal === undefined) {
      return call.refuse(errors.methodNotAllowed(`unknown method ${path}: this agent serves ${[...this.methods.keys()].join(', ')}`));
    }
    const encoding = headers['grpc-encoding'];
    if (encoding !== undefined && !(GRPC_ENCODINGS as readonly string[]).includes(encoding as string)) {
      return call.refuse(errors.unsupportedMedia(`unsupported grpc-encoding '${encoding}' (use ${GRPC_ACCEPT_ENCODING})`));
    }
    call.read(signal, encoding as string | undefined, parseGrpcTimeout(headers['grpc-timeout'] as string | undefined));
  }

  /** Decodes a whole message and hands it to the pipelines; what the call is answered with. */
  async handle(signal: Signal, message: Buffer, compressed: boolean, encoding: string | undefined, call: UnaryCall): Promise<void> {
    let charged = 0;
    let data;
    try {
      if (compressed && (encoding === undefined || encoding === 'identity')) throw errors.invalidData('a compressed message on a call without grpc-encoding');
      const raw = compressed ? await decompress(message, encoding, this.maxBytes, 'grpc-encoding') : message;
      this.intake.admit(raw.length);
      charged = raw.length;
      data = decodeBody(signal, 'protobuf', raw);
    } catch (e) {
      this.intake.release(charged);
      return call.refuse(asOutriderError(e));
    }
    try {
      const partial = await this.intake.accept(signal, data, 'grpc');
      call.answer(partial.rejected === 0 ? EMPTY_RESPONSE : frameMessage(encodeExportResponse(partial.rejected, partial.message)));
    } catch (e) {
      // the pipelines' refusal: counted by the intake with its items
      call.refuse(asOutriderError(e), 200, false);
    } finally {
      this.intake.release(charged);
    }
  }

  /** Counts a call refused before its items could be counted. */
  badRequest(err: OutriderError): void {
    this.intake.badRequest('grpc', err);
  }

  /** Stops accepting connections, lets calls in flight finish (bounded), then closes what is left. */
  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.extra.splice(0)) s.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // GOAWAY: each session ends once its calls are answered
    for (const session of this.sessions) session.close();
    if (!(await withTimeout(this.intake.settings.clock, closed, SHUTDOWN_GRACE_MS)).done) {
      for (const session of this.sessions) session.destroy();
    }
  }
}

/** One Export call: its message read from DATA frames, then one answer. */
class UnaryCall {
  private state = State.Reading;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: http2.ServerHttp2Stream, private readonly server: OtlpGrpcServer, private readonly maxBytes: number) {}

  read(signal: Signal, encoding: string | undefined, timeoutMs: number | undefined): void {
    const reader = new UnaryMessageReader(this.maxBytes);
    const stream = this.stream;
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => this.refuse(errors.timeout(`deadline exceeded: the call's grpc-timeout of ${timeoutMs} ms passed before it was answered`)), timeoutMs);
    }
    stream.on('data', (chunk: Buffer) => {
      if (this.state !== State.Reading) return;
      try {
        reader.push(chunk);
      } catch (e) {
        this.refuse(asOutriderError(e));
      }
    });
    stream.once('end', () => {
      if (this.state !== State.Reading) return;
      let message: Buffer;
      try {
        message = reader.finish();
      } catch (e) {
        // node ends the readable side of a stream the client reset before it says 'aborted' (some
        // ticks later): a cut frame is refused as malformed only if no reset follows soon
        const t = setTimeout(() => this.refuse(asOutriderError(e)), CUT_FRAME_WAIT_MS);
        stream.once('aborted', () => clearTimeout(t));
        return;
      }
      this.state = State.Handling;
      void this.server.handle(signal, message, reader.compressed, encoding, this);
    });
    stream.once('close', () => {
      clearTimeout(this.timer);
      if (this.state === State.Reading) {
        this.state = State.Done;
        this.server.badRequest(errors.aborted('the client went away before sending its whole request'));
      }
    });
  }

  /** Answers with a message and status OK, unless the call was already answered or is gone. */
  answer(framed: Buffer): void {
    if (this.state === State.Done) return;
    this.state = State.Done;
    clearTimeout(this.timer);
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-accept-encoding': GRPC_ACCEPT_ENCODING }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(framed);
  }

  /**
   * Answers with the error's gRPC status in one trailers-only frame (with a RetryInfo when the
   * error says when to retry); HTTP `status` other than 200 only for requests that are not gRPC.
   * `count` says whether it is counted as a bad request here.
   */
  refuse(err: OutriderError, status = 200, count = true): void {
    if (this.state === State.Done) return;
    this.state = State.Done;
    clearTimeout(this.timer);
    if (count) this.server.badRequest(err);
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    // whatever the client still sends is read and dropped, so the stream can end
    stream.resume();
    const headers: http2.OutgoingHttpHeaders = {
      ':status': status, 'content-type': 'application/grpc', 'grpc-accept-encoding': GRPC_ACCEPT_ENCODING,
      'grpc-status': String(err.grpcCode), 'grpc-message': encodeGrpcMessage(err.message),
    };
    if (err.retryable && err.retryAfterS !== undefined) {
      const retryDelayMs = Math.max(1, Math.ceil(err.retryAfterS)) * 1000;
      headers['grpc-status-details-bin'] = encodeBinaryHeader(encodeRpcStatus({ code: err.grpcCode, message: err.message, retryDelayMs }));
    }
    stream.respond(headers, { endStream: true });
  }
}

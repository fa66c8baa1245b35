// OTLP/gRPC transport: encoded requests as unary gRPC calls over node's HTTP/2, on one connection
// made when first needed and made again after it closes; failures classified for retry. The
// message is written as its 5-byte prefix and the encoded bytes, not copied into one frame.
import http2 from 'node:http2';
import net from 'node:net';
import { gunzipSync, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { classifyGrpc, withPlaintextHint } from '../../agent/exporterhelper/classify.js';
import type { ExportRequest } from '../../agent/exporterhelper/request.js';
import { readTlsFiles } from '../../agent/tls-files.js';
import type { SendOptions, SendResult, Transport } from '../../agent/exporterhelper/transport.js';
import { GrpcCode } from '../../agent/errors.js';
import { decodeExportResponse } from '../../agent/pdata/proto-encode.js';
import { OTLP_GRPC_PATHS } from '../../agent/pdata/otlp-paths.js';
import { decodeGrpcMessage, formatGrpcTimeout, framePrefix, grpcCodeOfHttpStatus } from '../../agent/grpc/wire.js';
import { agentVersion } from '../../agent/version.js';
import { parseGrpcEndpoint, type OtlpConfig } from './config.js';

const gzipAsync = promisify(gzip);
const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;
/** Flow-control window the agent opens for answers (they are small; this only avoids updates). */
const WINDOW = 1 << 20;
/** Largest answer read (an Export*ServiceResponse is a few bytes; gRPC's default limit). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** How long a connection whose call passed its deadline has to answer a PING before it is dropped. */
const PING_TIMEOUT_MS = 5000;

const OK: SendResult = { rejected: 0, errorMessage: '' };

/** What a call ended with: its HTTP status, gRPC status and message, the message bytes. */
interface Outcome { http?: number; code?: number; message: string; detailsBin?: Buffer; body: Buffer[] }

/** Sends requests as `Export` unary calls on one HTTP/2 connection; throws ExportSendError on failure. */
export class GrpcTransport implements Transport {
  readonly target: string;
  /** Whether the connection speaks TLS. */
  private readonly tls: boolean;
  private readonly url: string;
  private readonly connectOptions: http2.SecureClientSessionOptions;
  private readonly headers: http2.OutgoingHttpHeaders;
  private readonly gzip: boolean;
  private session: http2.ClientHttp2Session | undefined;
  /** The connection's last error, quoted when a call fails for it. */
  private lastError: Error | undefined;
  private closed = false;

  /** @throws BAD_CONFIG when a TLS file cannot be read */
  constructor(who: string, cfg: OtlpConfig) {
    const ep = parseGrpcEndpoint(cfg.endpoint)!;
    this.target = `grpc ${ep.target}`;
    this.tls = !(ep.scheme === 'http' || (ep.scheme === undefined && cfg.tls.insecure));
    this.url = `${this.tls ? 'https' : 'http'}://${ep.target}`;
    const host = ep.target.slice(0, ep.target.lastIndexOf(':')).replace(/^\[|\]$/g, '');
    const override = cfg.tls.server_name_override || undefined;
    const settings = { initialWindowSize: WINDOW, enablePush: false };
    if (this.tls) {
      const m = readTlsFiles(who, { ca_file: cfg.tls.ca_file, cert_file: cfg.tls.cert_file, key_file: cfg.tls.key_file });
      const skip = cfg.tls.insecure_skip_verify;
      const servername = override ?? (net.isIP(host) ? undefined : host);
      this.connectOptions = {
        settings, ALPNProtocols: ['h2'], ca: m.ca_file, cert: m.cert_file, key: m.key_file,
        rejectUnauthorized: !skip, ...(servername ? { servername } : {}),
        ...(skip ? { checkServerIdentity: () => undefined } : {}),
      };
    } else {
      this.connectOptions = { settings };
    }
    this.gzip = cfg.compression === 'gzip';
    this.headers = {
      ':method': 'POST', ':authority': override ?? ep.target, 'content-type': 'application/grpc', te: 'trailers',
      'user-agent': `outrider/${agentVersion()}`, 'grpc-accept-encoding': 'identity,gzip',
      ...(this.gzip ? { 'grpc-encoding': 'gzip' } : {}),
    };
    for (const [k, v] of Object.entries(cfg.headers)) this.headers[k.toLowerCase()] = v;
  }

  /** The open connection, or a new one. */
  private connection(): http2.ClientHttp2Session {
    const s = this.session;
    if (s !== undefined && !s.closed && !s.destroyed) return s;
    const session = http2.connect(this.url, this.connectOptions);
    session.on('error', (err) => { this.lastError = err; });
    const forget = () => { if (this.session === session) this.session = undefined; };
    session.once('close', forget);
    // the server is going away: new calls go on a new connection, this one's finish on it
    session.once('goaway', forget);
    session.once('connect', () => {
      this.lastError = undefined;
      try { session.setLocalWindowSize(WINDOW); } catch { /* the connection is already gone */ }
    });
    this.session = session;
    return session;
  }

  async send(req: ExportRequest, opts: SendOptions): Promise<SendResult> {
    if (this.closed) throw classifyGrpc(GrpcCode.UNAVAILABLE, 'the exporter is closed');
    let body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    if (this.gzip) body = await gzipAsync(body);
    const outcome = await this.call(OTLP_GRPC_PATHS[req.signal], body, opts);
    if (outcome.code === GrpcCode.OK) return this.answer(outcome);
    const failure = outcome.code === undefined
      ? classifyGrpc(outcome.http !== undefined && outcome.http !== 200 ? grpcCodeOfHttpStatus(outcome.http) : GrpcCode.UNKNOWN, outcome.message)
      : classifyGrpc(outcome.code, outcome.message, outcome.detailsBin);
    throw this.tls ? withPlaintextHint(failure, 'set tls.insecure: true, or use an http:// endpoint') : failure;
  }

  /** One call: headers, the framed message, then the answer's headers, message and trailers. */
  private call(path: string, body: Buffer, opts: SendOptions): Promise<Outcome> {
    return new Promise((resolve) => {
      const outcome: Outcome = { message: '', body: [] };
      let settled = false;
      if (opts.signal?.aborted) {
        resolve({ code: GrpcCode.CANCELLED, message: 'the export was cancelled (shutdown)', body: [] });
        return;
      }
      const session = this.connection();
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({ ...this.headers, ':path': path, 'grpc-timeout': formatGrpcTimeout(opts.timeoutMs) });
      } catch (err) {
        resolve({ code: GrpcCode.UNAVAILABLE, message: `cannot start a call: ${(err as Error).message}`, body: [] });
        return;
      }
      // a stream cancelled while its connection is still being made is destroyed with the
      // connection's error when that fails: never an unhandled 'error' (outcome handled below)
      stream.on('error', () => undefined);
      const settle = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(o);
      };
      const cancel = (code: number, message: string) => {
        settle({ code, message, body: [] });
        stream.close(NGHTTP2_CANCEL);
      };
      const timer = setTimeout(() => {
        // a connection that never came up is dropped, so the next attempt dials again; one that
        // is up must answer a PING soon, or it is taken for dead (a peer gone without closing it)
        if (session.connecting) session.destroy();
        else this.probe(session);
        cancel(GrpcCode.DEADLINE_EXCEEDED, `deadline of ${opts.timeoutMs} ms exceeded${this.lastError ? ` (${this.lastError.message})` : ''}`);
      }, opts.timeoutMs);
      const onAbort = () => cancel(GrpcCode.CANCELLED, 'the export was cancelled (shutdown)');
      opts.signal?.addEventListener('abort', onAbort, { once: true });

      const status = (h: http2.IncomingHttpHeaders) => {
        if (h[':status'] !== undefined) outcome.http = Number(h[':status']);
        const code = h['grpc-status'];
        if (code === undefined) return;
        outcome.code = Number(code);
        outcome.message = decodeGrpcMessage(String(h['grpc-message'] ?? ''));
        const details = h['grpc-status-details-bin'];
        if (typeof details === 'string') outcome.detailsBin = Buffer.from(details, 'base64');
      };
      stream.on('response', status);
      stream.on('trailers', status);
      let answerBytes = 0;
      stream.on('data', (chunk: Buffer) => {
        answerBytes += chunk.length;
        if (answerBytes > MAX_ANSWER_BYTES) return cancel(GrpcCode.RESOURCE_EXHAUSTED, `the answer is larger than max (more than ${MAX_ANSWER_BYTES} bytes)`);
        outcome.body.push(chunk);
      });
      stream.on('error', (err) => {
        const cause = this.lastError && this.lastError !== err ? `${err.message}: ${this.lastError.message}` : err.message;
        settle({ code: GrpcCode.UNAVAILABLE, message: `connection failed: ${cause}`, body: [] });
      });
      stream.on('close', () => {
        if (outcome.code !== undefined || outcome.http !== undefined) return settle(outcome);
        const rst = stream.rstCode;
        if (rst === NGHTTP2_REFUSED_STREAM) return settle({ code: GrpcCode.UNAVAILABLE, message: 'the server refused the stream', body: [] });
        if (rst === NGHTTP2_CANCEL) return settle({ code: GrpcCode.CANCELLED, message: 'the server cancelled the call', body: [] });
        const cause = this.lastError ? `: ${this.lastError.message}` : '';
        settle({ code: GrpcCode.UNAVAILABLE, message: `the call ended without a status (stream reset, code ${rst ?? 'none'})${cause}`, body: [] });
      });
      stream.on('end', () => {
        if (outcome.http !== undefined && outcome.http !== 200 && outcome.code === undefined) outcome.message = `the server answered HTTP ${outcome.http}, not gRPC`;
        else if (outcome.code === undefined && outcome.http === 200) outcome.message = 'the call ended without a grpc-status';
      });
      stream.write(framePrefix(body.length, this.gzip));
      stream.end(body);
    });
  }

  /** Sends a PING on `session` and destroys it unless the answer comes within {@link PING_TIMEOUT_MS}. */
  private probe(session: http2.ClientHttp2Session): void {
    if (session.destroyed || session.closed) return;
    const dead = setTimeout(() => session.destroy(), PING_TIMEOUT_MS);
    dead.unref();
    try {
      if (!session.ping((err) => { if (!err) clearTimeout(dead); })) clearTimeout(dead); // a ping already in flight
    } catch {
      clearTimeout(dead);
    }
  }

  /** The partial success in an OK answer's message. */
  private answer(outcome: Outcome): SendResult {
    const framed = outcome.body.length === 1 ? outcome.body[0]! : Buffer.concat(outcome.body);
    if (framed.length < 5) return OK;
    try {
      let message = framed.subarray(5, 5 + framed.readUInt32BE(1));
      if (framed[0] === 1) message = gunzipSync(message, { maxOutputLength: 1 << 20 });
      return message.length ? decodeExportResponse(message) : OK;
    } catch {
      return { rejected: 0, errorMessage: 'unreadable export response' };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const s = this.session;
    this.session = undefined;
    if (s === undefined || s.destroyed) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => { s.destroy(); resolve(); }, 1000);
      s.close(() => { clearTimeout(t); resolve(); });
    });
  }
}

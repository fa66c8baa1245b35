// OTLP/HTTP server: POST /v1/traces, /v1/metrics, /v1/logs in protobuf or JSON, gzip or not.
import { lazySchemaCompilers } from '../../agent/fastify-lazy.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { asOutriderError, errors, GrpcCode, OutriderError } from '../../agent/errors.js';
import type { Signal } from '../../agent/pdata/model.js';
import { OTLP_HTTP_PATHS } from '../../agent/pdata/otlp-paths.js';
import { encodeExportResponse } from '../../agent/pdata/proto-encode.js';
import { encodeRpcStatus } from '../../agent/pdata/rpc-status.js';
import { splitEndpoint } from '../../agent/endpoint.js';
import type { OtlpHttpConfig } from './config.js';
import { decompress } from './decompress.js';
import { decodeBody, type Encoding, type Intake } from './intake.js';
import { readTlsFiles } from '../../agent/tls-files.js';
import { withTimeout } from '../../agent/clock.js';

const PATHS = OTLP_HTTP_PATHS;
const REJECTED_JSON_KEY: Record<Signal, string> = { traces: 'rejectedSpans', metrics: 'rejectedDataPoints', logs: 'rejectedLogRecords' };
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
/** How long shutdown waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 5000;

function encodingOf(req: FastifyRequest): Encoding {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith(JSON_TYPE) ? 'json' : 'protobuf';
}

/** Maps fastify's own errors (body parsing, limits) into the catalogue. */
function fromFastifyError(err: { code?: string; message: string; statusCode?: number }, limit: number, req: FastifyRequest): OutriderError {
  if (err instanceof OutriderError) return err;
  if (err.code === 'ECONNRESET' || req.raw.socket?.destroyed) return errors.aborted(`the client went away before sending its whole request (${err.message})`);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.tooLarge(`request body exceeds ${limit} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return errors.unsupportedMedia(`unsupported Content-Type: use ${PROTOBUF} or ${JSON_TYPE}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return errors.invalidData('request body length does not match Content-Length');
    default:
      if (err.statusCode && err.statusCode < 500) return errors.invalidData(err.message);
      return asOutriderError(err);
  }
}

export class OtlpHttpServer {
  private app: FastifyInstance | undefined;
  private boundPort = 0;
  /** Bytes each request in progress has charged to the agent's admission. */
  private readonly charged = new WeakMap<FastifyRequest, number>();

  constructor(private readonly config: OtlpHttpConfig, private readonly intake: Intake) {}

  get address(): string {
    return `${splitEndpoint(this.config.endpoint).host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const limit = this.config.max_request_body_size;
    const tls = this.config.tls ? readTlsFiles('receivers.otlp.protocols.http', this.config.tls) : undefined;
    const mtls = tls?.client_ca_file !== undefined;
    const https = tls ? { cert: tls.cert_file, key: tls.key_file, ca: tls.client_ca_file, requestCert: mtls, rejectUnauthorized: mtls } : null;
    const app = Fastify({ logger: false, bodyLimit: limit, requestTimeout: this.config.request_timeout, return503OnClosing: true, https, schemaController: { compilersFactory: lazySchemaCompilers as never } });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser([PROTOBUF, JSON_TYPE], { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err, req, reply) => {
      const e = fromFastifyError(err as { code?: string; message: string; statusCode?: number }, limit, req);
      this.intake.badRequest('http', e);
      if (e.code === 'TIMEOUT') reply.header('connection', 'close');
      return this.sendError(req, reply, e);
    });
    app.addHook('onRequest', (req, reply, done) => {
      this.armRequestTimeout(req, reply);
      // Admission on the declared size, before the body is read (a body over the limit gets 413 later).
      const declared = Number(req.headers['content-length'] ?? 0);
      if (req.method === 'POST' && Number.isFinite(declared) && declared > 0 && declared <= limit) {
        try {
          this.charge(req, reply, declared);
        } catch (e) {
          const err = asOutriderError(e);
          this.intake.badRequest('http', err);
          void this.sendError(req, reply, err);
          return; // answered: the chain stops here
        }
      }
      done();
    });
    app.setNotFoundHandler((req, reply) =>
      this.sendError(req, reply, new OutriderError('INVALID_DATA', `no such path ${req.url}: use POST ${this.intake.signals.map((s) => PATHS[s]).join(', ')}`), 404));

    for (const signal of this.intake.signals) {
      const url = PATHS[signal];
      app.post(url, async (req, reply) => {
        const encoding = encodingOf(req);
        let data;
        try {
          // fastify runs no body parser for a bodiless request without a Content-Type
          if (req.headers['content-type'] === undefined) throw errors.unsupportedMedia(`missing Content-Type: use ${PROTOBUF} or ${JSON_TYPE}`);
          const raw = await decompress(req.body as Buffer, req.headers['content-encoding'], limit);
          // a chunked body, or one that grew in decompression, is charged for the rest before decoding
          const more = raw.length - (this.charged.get(req) ?? 0);
          if (more > 0) this.charge(req, reply, more);
          data = decodeBody(signal, encoding, raw);
        } catch (e) {
          const err = asOutriderError(e);
          this.intake.badRequest('http', err);
          return this.sendError(req, reply, err);
        }
        let partial;
        try {
          partial = await this.intake.accept(signal, data, 'http');
        } catch (e) {
          return this.sendError(req, reply, asOutriderError(e));
        }
        if (encoding === 'json') {
          const body = partial.rejected === 0 ? '{}'
            : JSON.stringify({ partialSuccess: { [REJECTED_JSON_KEY[signal]]: String(partial.rejected), errorMessage: partial.message } });
          return reply.code(200).type(JSON_TYPE).send(body);
        }
        return reply.code(200).type(PROTOBUF).send(Buffer.from(encodeExportResponse(partial.rejected, partial.message)));
      });
      app.route({
        method: [...OTHER_METHODS], url,
        onRequest: (req, reply, done) => {
          const err = errors.methodNotAllowed(`method ${req.method} not allowed on ${url}: use POST`);
          this.intake.badRequest('http', err);
          void this.sendError(req, reply.header('allow', 'POST'), err);
          done();
        },
        handler: async () => undefined,
      });
    }

    const { host, port } = splitEndpoint(this.config.endpoint);
    try {
      await app.listen({ host, port });
    } catch (err) {
      throw new Error(`receivers.otlp: cannot listen on http ${this.config.endpoint}: ${(err as Error).message}`);
    }
    const addr = app.server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
    this.app = app;
  }

  /** Charges `bytes` of a request to the agent's admission until its response is done; throws DATA_REFUSED. */
  private charge(req: FastifyRequest, reply: FastifyReply, bytes: number): void {
    this.intake.admit(bytes);
    const before = this.charged.get(req);
    this.charged.set(req, (before ?? 0) + bytes);
    if (before === undefined) reply.raw.once('close', () => this.intake.release(this.charged.get(req) ?? 0));
  }

  /**
   * Fails a request whose body is still incomplete request_timeout after its headers arrived: the
   * body parser sees the error, so the client gets 408 and the connection is closed. (Node's own
   * requestTimeout is only checked every 30 s.)
   */
  private armRequestTimeout(req: FastifyRequest, reply: FastifyReply): void {
    const ms = this.config.request_timeout;
    const timer = setTimeout(() => {
      if (req.raw.complete || reply.sent) return;
      const err = errors.timeout(`request_timeout: the client did not send its whole request within ${ms} ms`);
      if (req.raw.listenerCount('error') > 0) req.raw.emit('error', err);
      else req.raw.socket?.destroy();
    }, ms);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
  }

  /** A google.rpc.Status body in the request's encoding, with Retry-After on retryable refusals. */
  private sendError(req: FastifyRequest, reply: FastifyReply, err: OutriderError, status = err.httpStatus): FastifyReply {
    if (err.retryable && err.retryAfterS !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterS))));
    const code = status === 404 ? GrpcCode.UNIMPLEMENTED : err.grpcCode;
    if (encodingOf(req) === 'json') return reply.code(status).type(JSON_TYPE).send(JSON.stringify({ code, message: err.message }));
    return reply.code(status).type(PROTOBUF).send(Buffer.from(encodeRpcStatus({ code, message: err.message })));
  }

  /** Stops listening, lets requests in flight finish for a grace period, then drops slow clients. */
  async shutdown(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    if (!app) return;
    if (!(await withTimeout(this.intake.settings.clock, app.close(), SHUTDOWN_GRACE_MS)).done) app.server.closeAllConnections();
  }
}

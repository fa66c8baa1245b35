// The telemetry endpoint (default 0.0.0.0:9464): GET /metrics, /healthz and /readyz on one server.
import { lazySchemaCompilers } from './fastify-lazy.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { splitEndpoint } from './endpoint.js';
import type { StatusBoard } from './status.js';

export interface TelemetryServerOptions {
  endpoint: string;
  /** Renders the exposition for an Accept header. */
  render: (accept: string | undefined) => Promise<{ contentType: string; body: string }>;
  /** Component status: ready when nothing is starting, failed or stopped. */
  readiness: () => Pick<StatusBoard, 'ready' | 'notOk'>;
  onScrapeError: (err: unknown) => void;
}

export class TelemetryServer {
  private app: FastifyInstance | undefined;
  private port = 0;

  constructor(private readonly opts: TelemetryServerOptions) {}

  /** host:port actually bound. */
  get address(): string {
    return `${splitEndpoint(this.opts.endpoint).host}:${this.port}`;
  }

  async start(): Promise<void> {
    const app = Fastify({ logger: false, schemaController: { compilersFactory: lazySchemaCompilers as never } });
    app.get('/healthz', async (_req, reply) => reply.send({ status: 'ok' }));
    app.get('/readyz', async (_req, reply) => {
      const board = this.opts.readiness();
      const components = board.notOk().map(({ id, status, reason }) => ({ id, status, ...(reason ? { reason } : {}) }));
      return board.ready ? reply.send({ status: 'ready', components }) : reply.code(503).send({ status: 'not ready', components });
    });
    app.get('/metrics', async (req, reply) => {
      try {
        const { contentType, body } = await this.opts.render(req.headers.accept);
        return reply.type(contentType).send(body);
      } catch (err) {
        this.opts.onScrapeError(err);
        return reply.code(500).type('text/plain').send(`error collecting metrics: ${(err as Error).message}\n`);
      }
    });
    const { host, port } = splitEndpoint(this.opts.endpoint);
    try {
      await app.listen({ host, port });
    } catch (err) {
      throw new Error(`service.telemetry: cannot listen on ${this.opts.endpoint}: ${(err as Error).message}`);
    }
    const addr = app.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.app = app;
  }

  async shutdown(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }
}

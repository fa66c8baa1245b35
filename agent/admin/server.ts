// The admin server: fastify with schema-first routes, the guard (headers, auth, failed-auth limit),
// the OpenAPI document and the console's static files.
import Fastify, { type FastifyInstance } from 'fastify';
import { errorSchema, installErrorHandlers } from './http-errors.js';
import { installGuard } from './guard.js';
import { docsPage, registerDocs } from './docs.js';
import type { AdminContext } from './context.js';
import type { CounterSampler } from './counters.js';
import type { TokenSet } from './auth.js';
import type { FailureLimiter } from './rate-limit.js';
import { alertRoutes } from './routes/alerts.js';
import { alertRuleRoutes } from './routes/alert-rules.js';
import { channelRoutes } from './routes/channels.js';
import { configRoutes } from './routes/config.js';
import { costRoutes } from './routes/costs.js';
import { metricRoutes } from './routes/metrics.js';
import { silenceRoutes } from './routes/silences.js';
import { sloRoutes } from './routes/slos.js';
import { statusRoutes } from './routes/status.js';
import { staticRoutes } from './static-files.js';

export { docsPage };

export interface AdminServerOptions {
  ctx: AdminContext;
  tokens: TokenSet;
  limiter: FailureLimiter;
  openReads: boolean;
  sampler?: CounterSampler;
  /** Folder of the console files (tests). */
  uiDir?: string;
}

/** Bodies above this are refused (413): every admin body is small. */
const BODY_LIMIT = 64 * 1024;

/** Builds the app (not listening); `app.inject()` in tests, `listen` in the service. */
export async function buildAdminApp(o: AdminServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    // additionalProperties: false means refuse, not strip; types are not coerced in bodies
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false, useDefaults: true } },
    routerOptions: { maxParamLength: 300 },
  });
  app.addSchema(errorSchema);
  installErrorHandlers(app, o.ctx.logger);
  installGuard(app, { tokens: o.tokens, limiter: o.limiter, openReads: o.openReads });
  await registerDocs(app, o.ctx.version);
  statusRoutes(app, o.ctx, o.sampler);
  sloRoutes(app, o.ctx);
  alertRoutes(app, o.ctx);
  alertRuleRoutes(app, o.ctx);
  channelRoutes(app, o.ctx);
  silenceRoutes(app, o.ctx);
  costRoutes(app, o.ctx);
  metricRoutes(app, o.ctx);
  configRoutes(app, o.ctx);
  staticRoutes(app, o.uiDir);
  await app.ready();
  return app;
}

// The admin service: builds the server from the config, listens, and reports where.
import type { FastifyInstance } from 'fastify';
import type { CreateSettings, Host } from '../component.js';
import { once } from '../component.js';
import { CONTROL } from '../control.js';
import { splitEndpoint } from '../endpoint.js';
import type { NotifierFactory } from '../notifiers/api.js';
import type { Service } from '../service.js';
import { serviceKey } from '../service.js';
import { EXPOSITION } from '../services/metrics-service.js';
import { STORE } from '../services/store-service.js';
import { agentVersion } from '../version.js';
import { AuditLog } from './audit.js';
import { isLoopback, TokenSet } from './auth.js';
import type { AdminConfig } from './config.js';
import { adminContext } from './context.js';
import { CounterSampler } from './counters.js';
import { FailureLimiter } from './rate-limit.js';
import { secretValues } from './redact.js';
// the server (fastify routes, @fastify/swagger, the console's files) loads only when the admin API starts

/** What the agent and tests see of the admin service. */
export interface AdminApi {
  /** host:port bound; '' when the server is off (no token and no open reads). */
  readonly address: string;
}

export const ADMIN = serviceKey<AdminApi>('admin');

/** Creates the admin service; `notifierFactories` give the secret keys of each notifier type. */
export function createAdminService(settings: CreateSettings, config: AdminConfig, notifierFactories: readonly NotifierFactory[]): Service<AdminApi> {
  let app: FastifyInstance | undefined;
  let sampler: CounterSampler | undefined;
  let address = '';
  const { host: bindHost, port } = splitEndpoint(config.endpoint);
  const api: AdminApi = { get address() { return address; } };

  async function start(host: Host): Promise<void> {
    const tokens = new TokenSet(config);
    const openReads = config.open_reads && isLoopback(bindHost);
    if (config.open_reads && !openReads) settings.logger.warn({ endpoint: config.endpoint }, 'admin: open_reads ignored: the endpoint is not a loopback address');
    if (tokens.size === 0 && !openReads) {
      settings.logger.info('admin: no token configured (admin.token) and no open reads; the admin server is not started');
      return;
    }
    const audit = new AuditLog(host.service(STORE), config.audit_retention);
    audit.trim(settings.clock.now());
    const exposition = host.findService(EXPOSITION);
    sampler = exposition ? new CounterSampler(exposition, settings.clock) : undefined;
    const ctx = adminContext({
      host, clock: settings.clock, logger: settings.logger, version: agentVersion(), notifierFactories,
      audit,
      secrets: () => secretValues(host.findService(CONTROL)?.config().tree ?? { admin: config }, notifierFactories),
    });
    const { buildAdminApp } = await import('./server.js');
    app = await buildAdminApp({ ctx, tokens, limiter: new FailureLimiter(settings.clock, config.auth_failures.limit, config.auth_failures.window), openReads, sampler });
    try {
      await app.listen({ host: bindHost, port });
    } catch (err) {
      await app.close();
      app = undefined;
      throw new Error(`admin: cannot listen on ${config.endpoint}: ${(err as Error).message}`);
    }
    sampler?.start();
    const addr = app.server.address();
    address = `${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${typeof addr === 'object' && addr ? addr.port : port}`;
    settings.logger.info({ address, openReads, tokens: tokens.size }, 'admin: serving the API, the console and /docs');
  }

  return {
    key: ADMIN,
    api,
    start,
    shutdown: once(async () => {
      sampler?.stop();
      await app?.close();
      app = undefined;
    }),
  };
}

// What every admin route needs: the host's services (or a clear 503 when one is not configured),
// the audit log, the principal of a request, redaction facts.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Host } from '../component.js';
import type { Clock } from '../clock.js';
import { errors, OutriderError } from '../errors.js';
import type { NotifierFactory } from '../notifiers/api.js';
import type { ServiceKey } from '../service.js';
import type { AuditLog } from './audit.js';
import { scrub } from './redact.js';

/** The principal set by the auth hook. */
declare module 'fastify' {
  interface FastifyRequest { principal?: string }
}

export interface AdminContext {
  host: Host;
  clock: Clock;
  logger: Logger;
  /** The audit log; entries are scrubbed of secrets on the way in. */
  audit: Pick<AuditLog, 'record' | 'list'>;
  version: string;
  /** Notifier types with their secret keys (for redaction). */
  notifierFactories: readonly NotifierFactory[];
  /** Every secret string known from the running config (scrubbed from whatever the API shows or records). */
  secrets(): ReadonlySet<string>;
  /** A service by key, or a 503 naming the config section that would provide it. */
  need<T>(key: ServiceKey<T>, section: string): T;
  /** Who made the request (the token's name), for the audit log. */
  who(req: FastifyRequest): string;
}

/** Builds the context of one admin server. */
export function adminContext(base: Omit<AdminContext, 'need' | 'who'>): AdminContext {
  return {
    ...base,
    // every entry is scrubbed of known secret values and secret-named keys, whatever the route passed
    audit: {
      record: (e) => base.audit.record({ ...e, before: scrub(e.before, base.secrets()), after: scrub(e.after, base.secrets()) }),
      list: (limit, before) => base.audit.list(limit, before),
    },
    need<T>(key: ServiceKey<T>, section: string): T {
      const api = base.host.findService(key);
      if (api === undefined) throw errors.notConfigured(`the ${key.name} service is not configured in this agent (config section '${section}')`);
      return api;
    },
    who: (req) => req.principal ?? 'anonymous',
  };
}

/** Runs a change through a service API: its BAD_CONFIG problems become a 400 with the same message. */
export function applying<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OutriderError && err.code !== 'BAD_CONFIG') throw err;
    const e = err as Error & { code?: string };
    if (e.code === 'BAD_CONFIG') throw errors.invalidData(e.message);
    throw err;
  }
}

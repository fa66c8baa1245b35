// The `service.telemetry` service: one server for GET /metrics, /healthz and /readyz.
import { z } from 'zod';
import { once } from '../component.js';
import { defineService, serviceKey, type ServiceFactory } from '../service.js';
import { STATUS } from '../status.js';
import { TelemetryServer } from '../telemetry-server.js';
import { endpoint } from '../../config/schema-helpers.js';
import { EXPOSITION } from './metrics-service.js';


/** What components see of the telemetry server: `host.service(TELEMETRY)`. */
export interface Telemetry {
  /** host:port actually bound. */
  readonly address: string;
  /**
   * Claims /metrics for the prometheus exporter `id`, whose `enable_open_metrics` then decides
   * negotiation. Returns a function that releases the claim.
   * @throws Error when another prometheus exporter holds it: one endpoint serves one exporter.
   */
  claimExposition(id: string, openMetrics: boolean): () => void;
}

export const TELEMETRY = serviceKey<Telemetry>('telemetry');

/** Which prometheus exporter holds /metrics, and whether it allows OpenMetrics (default yes). */
export class ExpositionOwner {
  private owner: { id: string; openMetrics: boolean } | undefined;

  get openMetrics(): boolean {
    return this.owner?.openMetrics ?? true;
  }

  /** See {@link Telemetry.claimExposition}. */
  claim(id: string, openMetrics: boolean): () => void {
    if (this.owner && this.owner.id !== id) {
      throw new Error(`prometheus exporter '${id}' cannot start: prometheus exporter '${this.owner.id}' already serves this agent's /metrics; `
        + 'use one prometheus exporter and list it in every metrics pipeline');
    }
    const claim = { id, openMetrics };
    this.owner = claim;
    return () => { if (this.owner === claim) this.owner = undefined; };
  }
}

export const telemetryConfigSchema = z.strictObject({
  /** Serves /metrics, /healthz and /readyz. */
  endpoint: endpoint().default('0.0.0.0:9464'),
  logs: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  }).prefault({}),
});
export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;

export const telemetryServiceFactory: ServiceFactory<TelemetryConfig, Telemetry> = defineService('telemetry', 'service.telemetry', telemetryConfigSchema, (settings, config) => {
    const owner = new ExpositionOwner();
    let server: TelemetryServer | undefined;
    const api: Telemetry = {
      get address() { return server?.address ?? config.endpoint; },
      claimExposition: (id, openMetrics) => owner.claim(id, openMetrics),
    };
    return {
      key: TELEMETRY,
      api,
      async start(host) {
        const exposition = host.service(EXPOSITION);
        const board = host.service(STATUS);
        server = new TelemetryServer({
          endpoint: config.endpoint,
          render: (accept) => exposition.render(accept, owner.openMetrics),
          readiness: () => board,
          onScrapeError: (err) => settings.logger.error({ err }, 'error rendering /metrics'),
        });
        await server.start();
      },
      shutdown: once(async () => { await server?.shutdown(); }),
    };
});

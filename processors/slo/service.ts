// The `slo` service: where the running slo processors make their SLO state readable by the rest of
// the agent (admin API, alerting) under the key `SLO`, without anyone holding a processor.
import { z } from 'zod';
import { once } from '../../agent/component.js';
import { defineService, type ServiceFactory } from '../../agent/service.js';
import { SLO, type SloApi, type SloBoard } from './api.js';
import type { SloStatus } from './evaluate.js';

/** The SLO APIs of the running slo processors, by processor id, read as one. */
export class SloRegistry implements SloBoard {
  private readonly sources = new Map<string, SloApi>();

  attach(id: string, api: SloApi): () => void {
    this.sources.set(id, api);
    // a replacement after a reload attaches under the same id first; only the current one detaches
    return () => { if (this.sources.get(id) === api) this.sources.delete(id); };
  }

  list(): SloStatus[] {
    return [...this.sources.values()].flatMap((s) => s.list());
  }

  get(name: string): SloStatus | undefined {
    for (const s of this.sources.values()) { const st = s.get(name); if (st) return st; }
    return undefined;
  }

  badTraceIds(name: string): string[] {
    for (const s of this.sources.values()) if (s.get(name)) return s.badTraceIds(name);
    return [];
  }
}

/** No settings yet: the section is reserved (`slo: {}`). */
export const sloServiceConfigSchema = z.strictObject({});

/** Factory of the `slo` service (top-level section `slo`). */
export const sloServiceFactory: ServiceFactory<z.output<typeof sloServiceConfigSchema>, SloBoard> = defineService('slo', 'slo', sloServiceConfigSchema.prefault({}), () => {
  const registry = new SloRegistry();
  return { key: SLO, api: registry, start: async () => {}, shutdown: once(async () => {}) };
});

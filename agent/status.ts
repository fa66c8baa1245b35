// Component status: what each component and service last reported, read by /readyz and the admin API.
import type { Host, StatusKind } from './component.js';
import type { Clock } from './clock.js';
import { serviceKey, type ServiceKey } from './service.js';

/** One component's last report. */
export interface StatusEntry { id: string; status: StatusKind; reason?: string; sinceMs: number }

/** The status board, provided by the agent itself: `host.service(STATUS)` (the telemetry server, the admin API). */
export const STATUS = serviceKey<StatusBoard>('status');

/** Every component's status, keyed by `kind:id[@pipeline]`. */
export class StatusBoard {
  private readonly entries = new Map<string, StatusEntry>();

  constructor(private readonly clock: Clock) {}

  set(id: string, status: StatusKind, reason?: string): void {
    const prev = this.entries.get(id);
    if (prev && prev.status === status && prev.reason === reason) return;
    this.entries.set(id, { id, status, reason, sinceMs: prev?.status === status ? prev.sinceMs : this.clock.now() });
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  get(id: string): StatusEntry | undefined {
    return this.entries.get(id);
  }

  /** Every entry, in first-report order. */
  all(): StatusEntry[] {
    return [...this.entries.values()];
  }

  /** Entries that are not `ok` (what /readyz lists). */
  notOk(): StatusEntry[] {
    return this.all().filter((e) => e.status !== 'ok');
  }

  /** Whether nothing is starting, failed or stopped (degraded still counts as ready). */
  get ready(): boolean {
    return this.all().every((e) => e.status === 'ok' || e.status === 'degraded');
  }
}

/** How the agent answers one component's Host calls. */
export interface HostWiring {
  board: StatusBoard;
  lookup<T>(key: ServiceKey<T>): T | undefined;
  onFatal(id: string, err: Error): void;
}

/** A Host bound to one component: its status reports land under `id`. */
export function hostFor(id: string, w: HostWiring): Host {
  return {
    service<T>(key: ServiceKey<T>): T {
      const api = w.lookup(key);
      if (api === undefined) throw new Error(`${id}: the agent runs no '${key.name}' service`);
      return api;
    },
    findService: (key) => w.lookup(key),
    reportStatus: (status, reason) => w.board.set(id, status, reason),
    reportFatal: (err) => {
      w.board.set(id, 'failed', err.message);
      w.onFatal(id, err);
    },
  };
}

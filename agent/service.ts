// Services: long-lived parts beside the pipelines (the Collector's extensions), looked up through
// `Host` by a typed key. They start before every pipeline and stop after every pipeline.
import type { z } from 'zod';
import { configFromSchema, type Component, type CreateSettings, type FactoryConfig, type Problem } from './component.js';

/** A typed handle to a service's API: `host.service(STORE)` returns a `Store`, no cast. */
export interface ServiceKey<T> {
  /** The service's name, e.g. `storage`, `signals`. */
  readonly name: string;
  /** Phantom: carries `T` for type inference only. */
  readonly __api?: T;
}

/** Makes a key; one per service, declared beside its API. */
export function serviceKey<T>(name: string): ServiceKey<T> {
  return { name };
}

/** A running service: the lifecycle of any component, and the API it offers under its key. */
export interface Service<T = unknown> extends Component {
  readonly key: ServiceKey<T>;
  readonly api: T;
  /**
   * Applies a changed (already validated) config section in place at a reload. Services without
   * it need a restart for a changed section; a reload that changes one is refused.
   */
  reconfigure?(config: unknown): Promise<void>;
}

/**
 * Creates one service from one top-level config section (`storage`, `signals`, `service.telemetry`,
 * later `admin`, `alerting`, `notifiers`). The agent creates services in the order of its
 * service list; each may use services listed before it (through `host` at start).
 */
export interface ServiceFactory<C = any, T = unknown> extends FactoryConfig<C> {
  readonly kind: 'service';
  /** The service's name (also its key's name). */
  readonly type: string;
  /** Where its config lives in the file, as a dotted path (`storage`, `service.telemetry`). */
  readonly section: string;
  create(settings: CreateSettings, config: C): Service<T>;
  /**
   * Warnings about this section that need the rest of the file (e.g. ids another section should
   * declare), with key paths from the top of the file; `outrider validate` prints them, `run` logs them.
   */
  warnings?(config: C, tree: unknown): Problem[];
}

/** A service factory from its type, config section, schema and create function. */
export function defineService<C, T>(type: string, section: string, schema: z.ZodType<C>, create: (settings: CreateSettings, config: C) => Service<T>): ServiceFactory<C, T> {
  return { kind: 'service', type, section, ...configFromSchema(section, schema), create };
}

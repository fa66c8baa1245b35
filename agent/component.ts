// The component contract: factories with default config and validation, components with an
// idempotent lifecycle, consumers that own the batches they are given.
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Admission } from './admission.js';
import type { Signal, SignalData } from './pdata/model.js';
import type { MetricRegistry } from './metric-registry.js';
import type { Store } from './store/store.js';

export type Kind = 'receiver' | 'processor' | 'exporter' | 'connector';

/** One configuration problem: where (dotted key path) and what. */
export interface Problem { path: string; message: string }

export function formatProblem(p: Problem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

/** Receives batches. The callee owns the batch; `mutates` says whether it changes it in place. */
export interface Consumer<T> {
  consume(data: T): Promise<void>;
  readonly mutates?: boolean;
}

export type SignalConsumers = { [S in Signal]?: Consumer<SignalData[S]> };

/** What a running component may ask of the agent. */
export interface Host {
  /** Called by a component that hit an unrecoverable error after start. */
  reportFatal(err: Error): void;
  /** Where intake limits are published (memory_limiter) and consulted before decoding (receivers). */
  admission?: Admission;
}

/** Everything a factory needs to create one component instance. */
export interface CreateSettings {
  /** The instance id, `type` or `type/name`. */
  id: string;
  /** The pipeline the instance belongs to (processors), else undefined. */
  pipeline?: string;
  logger: Logger;
  /** Self-telemetry meter (the agent's MeterProvider). */
  meter: Meter;
  /** The registry served at /metrics, for components that produce Prometheus series. */
  registry: MetricRegistry;
  /** The agent's SQLite store. */
  store: Store;
}

export interface Component {
  /** Starts serving; returns quickly and puts long work in the background. */
  start(host: Host): Promise<void>;
  /** Stops intake, flushes downstream, closes resources. Idempotent, safe without start. */
  shutdown(): Promise<void>;
}

interface FactoryBase<C> {
  readonly kind: Kind;
  /** The config id, e.g. `otlp`, `batch`. */
  readonly type: string;
  /** Signals this component handles. */
  readonly signals: readonly Signal[];
  /** The config schema: defaults filled, unknown keys rejected. */
  readonly schema: z.ZodType<C>;
  createDefaultConfig(): C;
  /** Every problem at once, each with its key path relative to the component. */
  validate(raw: unknown): Problem[];
  /** The validated config with defaults filled; throws BAD_CONFIG on problems. */
  parse(raw: unknown): C;
}

export interface ReceiverFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'receiver';
  create(settings: CreateSettings, config: C, next: SignalConsumers): Component;
}

export interface ProcessorFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'processor';
  create<S extends Signal>(settings: CreateSettings, config: C, signal: S, next: Consumer<SignalData[S]>): Component & Consumer<SignalData[S]>;
}

export interface ExporterFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'exporter';
  /** One instance serves every signal it is used for; `signals` says which pipelines use it. */
  create(settings: CreateSettings, config: C, signals: readonly Signal[]): Component & SignalConsumers;
}

/**
 * A connector is the exporter of one pipeline and the receiver of another. `next` holds, per signal,
 * the pipelines it feeds; the component's consumers are what upstream pipelines export to.
 */
export interface ConnectorFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'connector';
  create(settings: CreateSettings, config: C, next: SignalConsumers): Component & SignalConsumers;
}

export type Factory = ReceiverFactory | ProcessorFactory | ExporterFactory | ConnectorFactory;

/** Zod issues as problems with dotted key paths. */
export function problemsOf(error: z.ZodError, prefix = ''): Problem[] {
  const join = (parts: unknown[]) => [prefix, ...parts.map(String)].filter(Boolean).join('.');
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: join([...issue.path, key]), message: 'unknown key' }));
    }
    return [{ path: join(issue.path), message: issue.message }];
  });
}

/** Builds the config half of a factory (defaults, validate, parse) from a zod schema. */
export function configFromSchema<C>(type: string, schema: z.ZodType<C>) {
  return {
    schema,
    createDefaultConfig(): C {
      return schema.parse({});
    },
    validate(raw: unknown): Problem[] {
      const r = schema.safeParse(raw ?? {});
      return r.success ? [] : problemsOf(r.error);
    },
    parse(raw: unknown): C {
      const r = schema.safeParse(raw ?? {});
      if (r.success) return r.data;
      const lines = problemsOf(r.error, type).map(formatProblem);
      throw Object.assign(new Error(lines.join('\n')), { code: 'BAD_CONFIG' });
    },
  };
}

/** Runs `fn` once; later calls return the first call's promise (a once-only shutdown guard). */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

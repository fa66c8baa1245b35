// The component contract: factories with default config and validation, components with an
// idempotent lifecycle, consumers that own the batches they are given.
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from './clock.js';
import type { Signal, SignalData } from './pdata/model.js';
import type { ServiceKey } from './service.js';
import { configParseOptions } from '../config/error-map.js';

export type { Signal, SignalData } from './pdata/model.js';

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

/** One consumer per signal, made by the same generic function (for exporters serving several signals). */
export function consumersFor(signals: readonly Signal[], make: <S extends Signal>(signal: S) => Consumer<SignalData[S]>): SignalConsumers {
  const out: SignalConsumers = {};
  for (const s of signals) {
    if (s === 'traces') out.traces = make(s);
    else if (s === 'metrics') out.metrics = make(s);
    else out.logs = make(s);
  }
  return out;
}

/** What a component reports about itself; `/readyz` and the admin API read it. */
export type StatusKind = 'starting' | 'ok' | 'degraded' | 'failed' | 'stopped';

/** What a running component may ask of the agent. Each component gets its own Host. */
export interface Host {
  /**
   * The API of a running service, by its typed key (`host.service(STORE)`).
   * @throws Error naming the service when the agent runs none under that key.
   */
  service<T>(key: ServiceKey<T>): T;
  /** The service's API, or undefined when the agent runs none under that key. */
  findService<T>(key: ServiceKey<T>): T | undefined;
  /** Reports this component's status (`degraded` with a reason keeps the agent ready; `failed` does not). */
  reportStatus(status: Exclude<StatusKind, 'starting' | 'stopped'>, reason?: string): void;
  /** An unrecoverable error after start: reports `failed` and stops the agent. */
  reportFatal(err: Error): void;
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
  /** Time and timers; a fake clock in unit tests. */
  clock: Clock;
}

export interface Component {
  /** Starts serving; returns quickly and puts long work in the background. */
  start(host: Host): Promise<void>;
  /** Stops intake, flushes downstream, closes resources. Idempotent, safe without start. */
  shutdown(): Promise<void>;
}

/** The config half of every factory (components and services). */
export interface FactoryConfig<C> {
  /** The config schema: defaults filled, unknown keys rejected. */
  readonly schema: z.ZodType<C>;
  createDefaultConfig(): C;
  /** Every problem at once, each with its key path relative to the component. */
  validate(raw: unknown): Problem[];
  /** The validated config with defaults filled; throws BAD_CONFIG on problems. */
  parse(raw: unknown): C;
}

interface FactoryBase<C> extends FactoryConfig<C> {
  readonly kind: Kind;
  /** The config id, e.g. `otlp`, `batch`. */
  readonly type: string;
  /** Signals this component handles. */
  readonly signals: readonly Signal[];
  /** Keeps data in the agent's store whatever its config (e.g. the slo processor's buckets). */
  readonly usesStore?: boolean;
  /** Warnings about a config given the signals of the pipelines using the component (paths relative to it). */
  warnings?(config: C, signals: readonly Signal[]): Problem[];
}

export interface ReceiverFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'receiver';
  create(settings: CreateSettings, config: C, next: SignalConsumers): Component;
}

/** A processor of one signal: a component that consumes and passes on. */
export type Processor<S extends Signal> = Component & Consumer<SignalData[S]>;

/** Creates a processor for one signal. */
export type CreateProcessor<C, S extends Signal> = (settings: CreateSettings, config: C, next: Consumer<SignalData[S]>) => Processor<S>;

/** One create function per signal the processor handles (the Collector's per-signal factory functions). */
export type ProcessorCreators<C> = { [S in Signal]?: CreateProcessor<C, S> };

export interface ProcessorFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'processor';
  readonly create: ProcessorCreators<C>;
}

/** The same generic create function for every signal, e.g. `forEverySignal((s, c, sig, next) => new Batcher(s, c, sig, next))`. */
export function forEverySignal<C>(make: <S extends Signal>(settings: CreateSettings, config: C, signal: S, next: Consumer<SignalData[S]>) => Processor<S>): Required<ProcessorCreators<C>> {
  return {
    traces: (s, c, next) => make(s, c, 'traces', next),
    metrics: (s, c, next) => make(s, c, 'metrics', next),
    logs: (s, c, next) => make(s, c, 'logs', next),
  };
}

/** Creates a processor for `signal` through the factory's function for it. */
export function createProcessor<S extends Signal>(f: ProcessorFactory, settings: CreateSettings, config: unknown, signal: S, next: Consumer<SignalData[S]>): Processor<S> {
  const create = f.create[signal] as CreateProcessor<unknown, S> | undefined;
  if (!create) throw new Error(`processor '${settings.id}' does not handle ${signal}`);
  return create(settings, config, next);
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
  /** The signal pairs it connects, from (the pipelines exporting to it) → to (the pipelines receiving from it). */
  readonly pairs: ReadonlyArray<readonly [Signal, Signal]>;
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
      const r = schema.safeParse(raw ?? {}, configParseOptions);
      return r.success ? [] : problemsOf(r.error);
    },
    parse(raw: unknown): C {
      const r = schema.safeParse(raw ?? {}, configParseOptions);
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

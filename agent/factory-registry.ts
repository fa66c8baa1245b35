// The component registry: every built-in factory, one line each, as a loader keyed `kind:type`.
// A config loads only the factories it declares: every module the agent loads stays resident for
// its life, and an idle sidecar should not carry the code and config schemas of unused components.
import type { Factory } from './component.js';
import type { ServiceFactory } from './service.js';
import { storageServiceFactory } from './services/store-service.js';
import { signalsServiceFactory } from './services/signals-service.js';
import { telemetryServiceFactory } from './services/telemetry-service.js';
import { sloServiceFactory } from '../processors/slo/service.js';
import { notifiersServiceFactory } from './notifiers/service.js';
import { adminServiceFactory } from './admin/index.js';
import { alertingServiceFactory } from './alerting/service.js';

/** Loads one built-in factory. */
export type FactoryLoader = () => Promise<Factory>;

/** The built-in component factories, keyed `kind:type`. */
export const FACTORY_LOADERS: Readonly<Record<string, FactoryLoader>> = {
  'receiver:otlp': async () => (await import('../receivers/otlp/index.js')).otlpReceiverFactory,
  'processor:memory_limiter': async () => (await import('../processors/memory_limiter/index.js')).memoryLimiterFactory,
  'processor:batch': async () => (await import('../processors/batch/index.js')).batchFactory,
  'processor:spanmetrics': async () => (await import('../processors/spanmetrics/index.js')).spanMetricsProcessorFactory,
  'processor:cost': async () => (await import('../processors/cost/index.js')).costProcessorFactory,
  'processor:probabilistic_sampler': async () => (await import('../processors/probabilistic_sampler/index.js')).probabilisticSamplerFactory,
  'processor:tail_sampling': async () => (await import('../processors/tail_sampling/index.js')).tailSamplingFactory,
  'processor:slo': async () => (await import('../processors/slo/index.js')).sloProcessorFactory,
  'processor:redaction': async () => (await import('../processors/redaction/index.js')).redactionFactory,
  'exporter:debug': async () => (await import('../exporters/debug/index.js')).debugFactory,
  'exporter:file': async () => (await import('../exporters/file/index.js')).fileFactory,
  'exporter:nop': async () => (await import('../exporters/nop/index.js')).nopFactory,
  'exporter:prometheus': async () => (await import('../exporters/prometheus/index.js')).prometheusExporterFactory,
  'exporter:otlp': async () => (await import('../exporters/otlp/index.js')).otlpExporterFactory,
  'exporter:otlphttp': async () => (await import('../exporters/otlphttp/index.js')).otlphttpExporterFactory,
  'connector:forward': async () => (await import('../connectors/forward/index.js')).forwardFactory,
};

/**
 * The configurable services, in start order (the metric registry and the status board come
 * from the agent itself, before them). Every service validates its own section, set or not.
 */
export const builtinServices: readonly ServiceFactory[] = [
  storageServiceFactory,
  signalsServiceFactory,
  notifiersServiceFactory,
  telemetryServiceFactory,
  sloServiceFactory,
  alertingServiceFactory,
  adminServiceFactory, // last: it reads every other service
];

/** Loads the built-in factories of `keys` (`kind:type`); all of them when `keys` is omitted. */
export async function loadFactories(keys: readonly string[] = Object.keys(FACTORY_LOADERS)): Promise<Factory[]> {
  return Promise.all([...new Set(keys)].filter((k) => Object.hasOwn(FACTORY_LOADERS, k)).map((k) => FACTORY_LOADERS[k]!()));
}

/** Services, then factories, keyed `kind:type`; later entries (e.g. test sinks) replace earlier ones of the same key. */
export function catalogOf(factories: readonly (Factory | ServiceFactory)[]): Map<string, Factory | ServiceFactory> {
  const map = new Map<string, Factory | ServiceFactory>();
  for (const f of [...builtinServices, ...factories]) map.set(`${f.kind}:${f.type}`, f);
  return map;
}

/**
 * The catalog a config needs: the services, the built-in factories of the components it declares
 * (`keys`, `kind:type`) and `extra` (which replace built-ins of the same key). When a key is
 * neither built in nor in `extra`, every built-in is loaded, so that the "unknown type"
 * problem can list every known type.
 */
export async function catalogFor(keys: readonly string[], extra: readonly (Factory | ServiceFactory)[] = []): Promise<Map<string, Factory | ServiceFactory>> {
  const given = new Set(extra.map((f) => `${f.kind}:${f.type}`));
  const unknown = keys.some((k) => !Object.hasOwn(FACTORY_LOADERS, k) && !given.has(k));
  const builtin = await loadFactories(unknown ? undefined : keys.filter((k) => !given.has(k)));
  return catalogOf([...builtin, ...extra]);
}

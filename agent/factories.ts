// The component registry: every factory the agent knows, one line each.
import type { Factory } from './component.js';
import type { ServiceFactory } from './service.js';
import { storageServiceFactory } from './services/store-service.js';
import { signalsServiceFactory } from './services/signals-service.js';
import { telemetryServiceFactory } from './services/telemetry-service.js';
import { otlpReceiverFactory } from '../receivers/otlp/index.js';
import { batchFactory } from '../processors/batch/index.js';
import { memoryLimiterFactory } from '../processors/memory_limiter/index.js';
import { debugFactory } from '../exporters/debug/index.js';
import { fileFactory } from '../exporters/file/index.js';
import { nopFactory } from '../exporters/nop/index.js';
import { prometheusExporterFactory } from '../exporters/prometheus/index.js';
import { otlpExporterFactory } from '../exporters/otlp/index.js';
import { otlphttpExporterFactory } from '../exporters/otlphttp/index.js';
import { forwardFactory } from '../connectors/forward/index.js';
import { spanMetricsProcessorFactory } from '../processors/spanmetrics/index.js';
import { costProcessorFactory } from '../processors/cost/index.js';
import { probabilisticSamplerFactory } from '../processors/probabilistic_sampler/index.js';
import { tailSamplingFactory } from '../processors/tail_sampling/index.js';
import { sloProcessorFactory } from '../processors/slo/index.js';
import { sloServiceFactory } from '../processors/slo/service.js';
import { notifiersServiceFactory } from './notifiers/service.js';
import { adminServiceFactory } from './admin/index.js';
import { alertingServiceFactory } from './alerting/service.js';
import { redactionFactory } from '../processors/redaction/index.js';

/** The built-in factories. */
export const builtinFactories: readonly Factory[] = [
  otlpReceiverFactory,
  memoryLimiterFactory,
  batchFactory,
  spanMetricsProcessorFactory,
  costProcessorFactory,
  probabilisticSamplerFactory,
  tailSamplingFactory,
  sloProcessorFactory,
  redactionFactory,
  debugFactory,
  fileFactory,
  nopFactory,
  prometheusExporterFactory,
  otlpExporterFactory,
  otlphttpExporterFactory,
  forwardFactory,
];

/**
 * The configurable services, in start order (the metric registry and the status board come
 * from the agent itself, before them).
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

/** Factories keyed `kind:type`; later entries (e.g. test sinks) replace earlier ones of the same key. */
export function factoryMap(extra: readonly (Factory | ServiceFactory)[] = []): Map<string, Factory | ServiceFactory> {
  const map = new Map<string, Factory | ServiceFactory>();
  for (const f of [...builtinServices, ...builtinFactories, ...extra]) map.set(`${f.kind}:${f.type}`, f);
  return map;
}

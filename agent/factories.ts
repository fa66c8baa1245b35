// The component registry: every factory the agent knows, one line each.
import type { Factory } from './component.js';
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

/** The built-in factories. */
export const builtinFactories: readonly Factory[] = [
  otlpReceiverFactory,
  memoryLimiterFactory,
  batchFactory,
  spanMetricsProcessorFactory,
  debugFactory,
  fileFactory,
  nopFactory,
  prometheusExporterFactory,
  otlpExporterFactory,
  otlphttpExporterFactory,
  forwardFactory,
];

/** Factories keyed `kind:type`; later entries (e.g. test sinks) replace earlier ones of the same key. */
export function factoryMap(extra: readonly Factory[] = []): Map<string, Factory> {
  const map = new Map<string, Factory>();
  for (const f of [...builtinFactories, ...extra]) map.set(`${f.kind}:${f.type}`, f);
  return map;
}

// Config of the prometheus exporter: expiration, naming and labelling options (Collector dialect).
import { z } from 'zod';
import { bool, duration, stringMap } from '../../config/schema-helpers.js';
import { isLabelName } from '../../agent/metric-registry/format.js';

const labelName = z.string().refine(isLabelName, {
  error: (iss) => `invalid label name '${String(iss.input)}': ${String(iss.input).startsWith('__') ? 'names starting with __ are reserved' : 'must match [a-zA-Z_][a-zA-Z0-9_]*'}`,
});

/** Config schema; unknown keys are rejected, every field has a default. */
export const prometheusConfigSchema = z.strictObject({
  /** Series not updated for this long are dropped (ms; written "5m"). */
  metric_expiration: duration().prefault('5m'),
  /** Prefix `<namespace>_` on every translated metric name. */
  namespace: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$|^$/, 'must be a valid metric name prefix').prefault(''),
  /** Labels added to every translated series; number and boolean values are taken as text. */
  const_labels: stringMap(labelName).prefault({}),
  /** Write each sample's OTLP timestamp. */
  send_timestamps: bool().prefault(false),
  /** Negotiate OpenMetrics (exemplars) when the scraper asks for it. */
  enable_open_metrics: bool().prefault(true),
  /** Copy every resource attribute onto every series as a label. */
  resource_to_telemetry_conversion: z.strictObject({ enabled: bool().prefault(false) }).prefault({}),
  /** Append unit, `_total` and `_ratio` suffixes to names. */
  add_metric_suffixes: bool().prefault(true),
});

/** The validated config, defaults filled; `metric_expiration` is in milliseconds. */
export type PrometheusConfig = z.output<typeof prometheusConfigSchema>;

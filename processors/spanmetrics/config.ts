// Config of the spanmetrics processor: dimensions, histogram buckets, cardinality limit, exemplars.
import { z } from 'zod';
import { bool, duration, num, parseDurationMs } from '../../config/schema-helpers.js';
import { labelName } from '../../agent/metric-registry/labels.js';

/** The Collector's default explicit buckets, in milliseconds. */
export const DEFAULT_BUCKETS_MS = [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000];

/** The labels every series has; dimensions may not reuse them. */
export const BASE_LABELS = ['service_name', 'span_name', 'span_kind', 'status_code'] as const;

const bucketMs = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseDurationMs(v);
  if (ms === undefined || !Number.isFinite(ms)) {
    ctx.issues.push({ code: 'custom', input: v, message: `expected a number of milliseconds or a duration like 250ms, got '${v}'` });
    return z.NEVER;
  }
  return ms;
});

const dimension = z.union([
  z.string().min(1).transform((name) => ({ name, default: undefined as string | undefined })),
  z.strictObject({ name: z.string().min(1), default: z.string().optional() }),
]);

/** Dimension key → label name, as the Prometheus translation writes it (`http.route` → `http_route`). */
export { labelName as dimensionLabel } from '../../agent/metric-registry/labels.js';

/** Config schema; unknown keys rejected, defaults filled. */
export const spanMetricsConfigSchema = z.strictObject({
  /** Metric name prefix (`traces.span.metrics` → `traces_span_metrics_…`). */
  namespace: z.string().min(1).prefault('traces.span.metrics'),
  /** Extra labels from span attributes, then resource attributes; a missing one is omitted unless it has a default. */
  dimensions: z.array(dimension).prefault([]),
  histogram: z.strictObject({
    /** Unit of the duration histogram: `ms` (`…_duration_milliseconds`, what Jaeger's Monitor tab reads) or `s` (`…_duration_seconds`, Prometheus's base unit). */
    unit: z.enum(['ms', 's']).prefault('ms'),
    /** Explicit bucket upper bounds in ms (numbers or durations). Default: the Collector's buckets. */
    explicit: z.strictObject({ buckets: z.array(bucketMs).min(1).prefault(DEFAULT_BUCKETS_MS) }).optional(),
    /** Exponential buckets instead: at most `max_size` buckets per sign, exposed as classic `le` buckets. */
    exponential: z.strictObject({ max_size: num({ int: true, min: 2, max: 16384 }).prefault(160) }).optional(),
  }).prefault({}),
  /**
   * A series not updated for this long is removed (its counter restarts from 0 if it comes back,
   * which rate() handles), so span-name churn does not fill cardinality_limit for good. 0 = never.
   * Default 1h (the Collector's default is 0).
   */
  metrics_expiration: duration().prefault('1h'),
  /** Distinct label combinations kept; later ones fold into `otel_metric_overflow="true"`. 0 = unlimited. */
  cardinality_limit: num({ int: true, min: 0 }).prefault(5000),
  /** Exemplars (trace_id, span_id) on the calls counter and duration buckets, shown in OpenMetrics. */
  exemplars: z.strictObject({ enabled: bool().prefault(true) }).prefault({}),
}).superRefine((c, ctx) => {
  if (c.histogram.explicit && c.histogram.exponential) {
    ctx.addIssue({ code: 'custom', path: ['histogram'], message: 'set either explicit or exponential, not both' });
  }
  const b = c.histogram.explicit?.buckets;
  if (b) for (let i = 1; i < b.length; i++) {
    if (!(b[i]! > b[i - 1]!)) {
      ctx.addIssue({ code: 'custom', path: ['histogram', 'explicit', 'buckets', i], message: 'buckets must be strictly ascending' });
      break;
    }
  }
  const seen = new Set<string>(BASE_LABELS);
  seen.add('otel_metric_overflow');
  c.dimensions.forEach((d, i) => {
    const l = labelName(d.name);
    if (seen.has(l)) ctx.addIssue({ code: 'custom', path: ['dimensions', i], message: `dimension '${d.name}' collides with label '${l}'` });
    seen.add(l);
  });
});

/** The validated config with defaults filled. */
export type SpanMetricsConfig = z.output<typeof spanMetricsConfigSchema>;

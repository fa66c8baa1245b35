// The one OTLP-shaped internal data model. Receivers decode into it, exporters encode out of it.
//
// Conventions (chosen for a fast decoder and exact fidelity):
// - ids are raw bytes (Uint8Array); an absent id is a zero-length array. Hex only at the edges.
// - times are nanoseconds since the epoch as bigint (fixed64 does not fit a double exactly).
// - an OTLP AnyValue is a plain JS value: string, boolean, number (double), bigint (int64),
//   Uint8Array (bytes), AnyValue[] (array), KvList (kvlist) or null (empty).
// - a NumberDataPoint value is a number (as_double) or a bigint (as_int).

export interface KvList { kvlistValue: KeyValue[] }
export type AnyValue = string | boolean | number | bigint | Uint8Array | AnyValue[] | KvList | null;

export interface KeyValue { key: string; value: AnyValue }

export interface Resource { attributes: KeyValue[]; droppedAttributesCount: number }
export interface Scope { name: string; version: string; attributes: KeyValue[]; droppedAttributesCount: number }

// ---------- traces ----------

/** OTLP Span.SpanKind. */
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** OTLP Status.StatusCode. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanEvent { timeUnixNano: bigint; name: string; attributes: KeyValue[]; droppedAttributesCount: number }
export interface SpanLink {
  traceId: Uint8Array; spanId: Uint8Array; traceState: string;
  attributes: KeyValue[]; droppedAttributesCount: number; flags: number;
}
export interface SpanStatus { message: string; code: number }

export interface Span {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
}

export interface ScopeSpans { scope: Scope | null; spans: Span[]; schemaUrl: string }
export interface ResourceSpans { resource: Resource | null; scopeSpans: ScopeSpans[]; schemaUrl: string }
export interface TracesData { resourceSpans: ResourceSpans[] }

// ---------- metrics ----------

/** OTLP AggregationTemporality. */
export const Temporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  /** number = as_double, bigint = as_int */
  value: number | bigint;
  spanId: Uint8Array;
  traceId: Uint8Array;
}

export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** number = as_double, bigint = as_int */
  value: number | bigint;
  exemplars: Exemplar[];
  flags: number;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number | undefined;
  bucketCounts: number[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | undefined;
  max: number | undefined;
}

export interface ExpBuckets { offset: number; bucketCounts: number[] }

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number | undefined;
  scale: number;
  zeroCount: number;
  positive: ExpBuckets | null;
  negative: ExpBuckets | null;
  flags: number;
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
}

export interface ValueAtQuantile { quantile: number; value: number }
export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
}

export interface Gauge { type: 'gauge'; dataPoints: NumberDataPoint[] }
export interface Sum { type: 'sum'; dataPoints: NumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean }
export interface Histogram { type: 'histogram'; dataPoints: HistogramDataPoint[]; aggregationTemporality: number }
export interface ExponentialHistogram { type: 'exponentialHistogram'; dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: number }
export interface Summary { type: 'summary'; dataPoints: SummaryDataPoint[] }
export type MetricData = Gauge | Sum | Histogram | ExponentialHistogram | Summary;

export interface Metric {
  name: string;
  description: string;
  unit: string;
  /** null when the metric carries no data field (an invalid but decodable message) */
  data: MetricData | null;
  metadata: KeyValue[];
}

export interface ScopeMetrics { scope: Scope | null; metrics: Metric[]; schemaUrl: string }
export interface ResourceMetrics { resource: Resource | null; scopeMetrics: ScopeMetrics[]; schemaUrl: string }
export interface MetricsData { resourceMetrics: ResourceMetrics[] }

// ---------- logs ----------

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
export interface ScopeLogs { scope: Scope | null; logRecords: LogRecord[]; schemaUrl: string }
export interface ResourceLogs { resource: Resource | null; scopeLogs: ScopeLogs[]; schemaUrl: string }
export interface LogsData { resourceLogs: ResourceLogs[] }

export type Signal = 'traces' | 'metrics' | 'logs';
export type SignalData = { traces: TracesData; metrics: MetricsData; logs: LogsData };

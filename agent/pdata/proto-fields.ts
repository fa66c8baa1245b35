// The fields of each OTLP message the decoders read: name and wire type by field number.
import type { MetricData } from './model.js';

/** Wire type names for error messages, by wire type. */
export const WIRE_NAMES = ['varint', 'i64', 'length-delimited', 'group start', 'group end', 'i32', 'invalid', 'invalid'];

/**
 * The fields one message defines, by field number: name and wire type. Decoders consult it only for
 * a tag they did not take, so a known field sent with the wrong wire type is refused (as protobuf's
 * own decoders do) while unknown fields are skipped.
 */
export class FieldTable {
  /** Wire type + 1 by field number; 0 where the message defines no such field. */
  readonly wire: Uint8Array;
  readonly names: string[] = [];

  /** @param fields proto field name → tag, `(field << 3) | wireType`, as the decoder's switch reads it */
  constructor(fields: Record<string, number>) {
    const max = Math.max(0, ...Object.values(fields).map((t) => t >>> 3));
    this.wire = new Uint8Array(max + 1);
    for (const [name, tag] of Object.entries(fields)) {
      this.wire[tag >>> 3] = (tag & 7) + 1;
      this.names[tag >>> 3] = name;
    }
  }
}

// common.proto
export const ANY_VALUE = new FieldTable({
  string_value: 0x0a, bool_value: 0x10, int_value: 0x18, double_value: 0x21, array_value: 0x2a, kvlist_value: 0x32, bytes_value: 0x3a,
});
export const ARRAY_VALUE = new FieldTable({ values: 0x0a });
export const KEY_VALUE_LIST = new FieldTable({ values: 0x0a });
export const KEY_VALUE = new FieldTable({ key: 0x0a, value: 0x12 });
export const RESOURCE = new FieldTable({ attributes: 0x0a, dropped_attributes_count: 0x10, entity_refs: 0x1a });
export const SCOPE = new FieldTable({ name: 0x0a, version: 0x12, attributes: 0x1a, dropped_attributes_count: 0x20 });

// trace, logs and the export requests
export const TRACES_REQUEST = new FieldTable({ resource_spans: 0x0a });
export const METRICS_REQUEST = new FieldTable({ resource_metrics: 0x0a });
export const LOGS_REQUEST = new FieldTable({ resource_logs: 0x0a });
export const RESOURCE_SPANS = new FieldTable({ resource: 0x0a, scope_spans: 0x12, schema_url: 0x1a });
export const SCOPE_SPANS = new FieldTable({ scope: 0x0a, spans: 0x12, schema_url: 0x1a });
export const SPAN = new FieldTable({
  trace_id: 0x0a, span_id: 0x12, trace_state: 0x1a, parent_span_id: 0x22, name: 0x2a, kind: 0x30, start_time_unix_nano: 0x39,
  end_time_unix_nano: 0x41, attributes: 0x4a, dropped_attributes_count: 0x50, events: 0x5a, dropped_events_count: 0x60,
  links: 0x6a, dropped_links_count: 0x70, status: 0x7a, flags: 0x85,
});
export const EVENT = new FieldTable({ time_unix_nano: 0x09, name: 0x12, attributes: 0x1a, dropped_attributes_count: 0x20 });
export const LINK = new FieldTable({ trace_id: 0x0a, span_id: 0x12, trace_state: 0x1a, attributes: 0x22, dropped_attributes_count: 0x28, flags: 0x35 });
export const STATUS = new FieldTable({ message: 0x12, code: 0x18 });
export const RESOURCE_LOGS = new FieldTable({ resource: 0x0a, scope_logs: 0x12, schema_url: 0x1a });
export const SCOPE_LOGS = new FieldTable({ scope: 0x0a, log_records: 0x12, schema_url: 0x1a });
export const LOG_RECORD = new FieldTable({
  time_unix_nano: 0x09, severity_number: 0x10, severity_text: 0x1a, body: 0x2a, attributes: 0x32, dropped_attributes_count: 0x38,
  flags: 0x45, trace_id: 0x4a, span_id: 0x52, observed_time_unix_nano: 0x59, event_name: 0x62,
});

// metrics.proto
export const RESOURCE_METRICS = new FieldTable({ resource: 0x0a, scope_metrics: 0x12, schema_url: 0x1a });
export const SCOPE_METRICS = new FieldTable({ scope: 0x0a, metrics: 0x12, schema_url: 0x1a });
export const METRIC = new FieldTable({
  name: 0x0a, description: 0x12, unit: 0x1a, gauge: 0x2a, sum: 0x3a, histogram: 0x4a, exponential_histogram: 0x52, summary: 0x5a, metadata: 0x62,
});
export const DATA: Record<MetricData['type'], FieldTable> = {
  gauge: new FieldTable({ data_points: 0x0a }),
  sum: new FieldTable({ data_points: 0x0a, aggregation_temporality: 0x10, is_monotonic: 0x18 }),
  histogram: new FieldTable({ data_points: 0x0a, aggregation_temporality: 0x10 }),
  exponentialHistogram: new FieldTable({ data_points: 0x0a, aggregation_temporality: 0x10 }),
  summary: new FieldTable({ data_points: 0x0a }),
};
export const NUMBER_POINT = new FieldTable({
  start_time_unix_nano: 0x11, time_unix_nano: 0x19, as_double: 0x21, exemplars: 0x2a, as_int: 0x31, attributes: 0x3a, flags: 0x40,
});
export const HISTOGRAM_POINT = new FieldTable({
  start_time_unix_nano: 0x11, time_unix_nano: 0x19, count: 0x21, sum: 0x29, bucket_counts: 0x32, explicit_bounds: 0x3a,
  exemplars: 0x42, attributes: 0x4a, flags: 0x50, min: 0x59, max: 0x61,
});
export const EXP_HISTOGRAM_POINT = new FieldTable({
  attributes: 0x0a, start_time_unix_nano: 0x11, time_unix_nano: 0x19, count: 0x21, sum: 0x29, scale: 0x30, zero_count: 0x39,
  positive: 0x42, negative: 0x4a, flags: 0x50, exemplars: 0x5a, min: 0x61, max: 0x69, zero_threshold: 0x71,
});
export const BUCKETS = new FieldTable({ offset: 0x08, bucket_counts: 0x12 });
export const SUMMARY_POINT = new FieldTable({
  start_time_unix_nano: 0x11, time_unix_nano: 0x19, count: 0x21, sum: 0x29, quantile_values: 0x32, attributes: 0x3a, flags: 0x40,
});
export const QUANTILE = new FieldTable({ quantile: 0x09, value: 0x11 });
export const EXEMPLAR = new FieldTable({
  time_unix_nano: 0x11, as_double: 0x19, span_id: 0x22, trace_id: 0x2a, as_int: 0x31, filtered_attributes: 0x3a,
});

// fast-check arbitraries of the internal OTLP model (every field and value kind), for property tests
// of the codecs: what they generate is valid data that every encoder must carry unchanged.
import fc from 'fast-check';
import type {
  AnyValue, Exemplar, ExpBuckets, KeyValue, LogRecord, LogsData, Metric, MetricsData, Resource, Scope, Span, TracesData,
} from '../../agent/pdata/model.js';

const U64_MAX = 2n ** 64n - 1n;

/** Any Unicode text (well-formed UTF-16), biased to short strings and the attribute keys OTLP repeats. */
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'service.name', 'http.route', 'GET /api') },
  { weight: 1, arbitrary: fc.string({ maxLength: 300, unit: 'binary' }) },
);
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: U64_MAX });
export const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
/** A uint64 count as the model keeps it: a JS number (exact up to 2^53). */
export const count = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat());
/** Any double: NaN, ±Infinity, -0 and subnormals included. */
export const double = fc.double();
/** An enum as an int32 (the decoders keep unknown values). */
const enumOf = (max: number) => fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max }) }, { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) });
/** An id of its proper size, or of none (zero-length: absent). */
const id = (size: number) => fc.oneof({ weight: 9, arbitrary: fc.uint8Array({ minLength: size, maxLength: size }) }, { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) });
const bytes = fc.uint8Array({ maxLength: 24 });

const { anyValue } = fc.letrec<{ anyValue: AnyValue; kvlist: KeyValue[] }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text, fc.boolean(), i64, double, bytes, fc.constant(null),
    fc.array(tie('anyValue'), { maxLength: 3 }),
    tie('kvlist').map((kvlistValue) => ({ kvlistValue })),
  ),
  kvlist: fc.array(fc.record({ key: text, value: tie('anyValue') }), { maxLength: 3 }),
}));
export { anyValue };

export const attributes = (maxLength = 5): fc.Arbitrary<KeyValue[]> => fc.array(fc.record({ key: text, value: anyValue }), { maxLength });
const resource: fc.Arbitrary<Resource | null> = fc.option(fc.record({ attributes: attributes(), droppedAttributesCount: u32 }), { freq: 6 });
const scope: fc.Arbitrary<Scope | null> = fc.option(fc.record({ name: text, version: text, attributes: attributes(3), droppedAttributesCount: u32 }), { freq: 6 });

export const span: fc.Arbitrary<Span> = fc.record({
  traceId: id(16), spanId: id(8), traceState: text, parentSpanId: id(8), flags: u32, name: text, kind: enumOf(5),
  startTimeUnixNano: u64, endTimeUnixNano: u64, attributes: attributes(), droppedAttributesCount: u32,
  events: fc.array(fc.record({ timeUnixNano: u64, name: text, attributes: attributes(3), droppedAttributesCount: u32 }), { maxLength: 2 }),
  droppedEventsCount: u32,
  links: fc.array(fc.record({ traceId: id(16), spanId: id(8), traceState: text, attributes: attributes(2), droppedAttributesCount: u32, flags: u32 }), { maxLength: 2 }),
  droppedLinksCount: u32,
  status: fc.record({ message: text, code: enumOf(2) }),
});

export const traces: fc.Arbitrary<TracesData> = fc.record({
  resourceSpans: fc.array(fc.record({
    resource, schemaUrl: text,
    scopeSpans: fc.array(fc.record({ scope, schemaUrl: text, spans: fc.array(span, { maxLength: 3 }) }), { maxLength: 2 }),
  }), { maxLength: 2 }),
});

const pointValue = fc.oneof(i64, double);
const exemplars: fc.Arbitrary<Exemplar[]> = fc.array(fc.record({ filteredAttributes: attributes(2), timeUnixNano: u64, value: pointValue, spanId: id(8), traceId: id(16) }), { maxLength: 2 });
const optDouble = fc.option(double, { nil: undefined });
const buckets: fc.Arbitrary<ExpBuckets | null> = fc.option(fc.record({ offset: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), bucketCounts: fc.array(count, { maxLength: 4 }) }));
const base = { attributes: attributes(3), startTimeUnixNano: u64, timeUnixNano: u64 };
const numberPoints = fc.array(fc.record({ ...base, value: pointValue, exemplars, flags: u32 }), { maxLength: 3 });

const data: fc.Arbitrary<Metric['data']> = fc.oneof(
  fc.record({ type: fc.constant('gauge' as const), dataPoints: numberPoints }),
  fc.record({ type: fc.constant('sum' as const), dataPoints: numberPoints, aggregationTemporality: enumOf(2), isMonotonic: fc.boolean() }),
  fc.record({
    type: fc.constant('histogram' as const), aggregationTemporality: enumOf(2),
    dataPoints: fc.array(fc.record({
      ...base, count, sum: optDouble, bucketCounts: fc.array(count, { maxLength: 4 }), explicitBounds: fc.array(double, { maxLength: 3 }),
      exemplars, flags: u32, min: optDouble, max: optDouble,
    }), { maxLength: 2 }),
  }),
  fc.record({
    type: fc.constant('exponentialHistogram' as const), aggregationTemporality: enumOf(2),
    dataPoints: fc.array(fc.record({
      ...base, count, sum: optDouble, scale: fc.integer({ min: -10, max: 20 }), zeroCount: count, positive: buckets, negative: buckets,
      flags: u32, exemplars, min: optDouble, max: optDouble, zeroThreshold: double,
    }), { maxLength: 2 }),
  }),
  fc.record({
    type: fc.constant('summary' as const),
    dataPoints: fc.array(fc.record({ ...base, count, sum: double, flags: u32, quantileValues: fc.array(fc.record({ quantile: double, value: double }), { maxLength: 3 }) }), { maxLength: 2 }),
  }),
  fc.constant(null),
);

export const metrics: fc.Arbitrary<MetricsData> = fc.record({
  resourceMetrics: fc.array(fc.record({
    resource, schemaUrl: text,
    scopeMetrics: fc.array(fc.record({
      scope, schemaUrl: text,
      metrics: fc.array(fc.record({ name: text, description: text, unit: text, metadata: attributes(2), data }), { maxLength: 3 }),
    }), { maxLength: 2 }),
  }), { maxLength: 2 }),
});

const logRecord: fc.Arbitrary<LogRecord> = fc.record({
  timeUnixNano: u64, observedTimeUnixNano: u64, severityNumber: enumOf(24), severityText: text, body: anyValue,
  attributes: attributes(), droppedAttributesCount: u32, flags: u32, traceId: id(16), spanId: id(8), eventName: text,
});

export const logs: fc.Arbitrary<LogsData> = fc.record({
  resourceLogs: fc.array(fc.record({
    resource, schemaUrl: text,
    scopeLogs: fc.array(fc.record({ scope, schemaUrl: text, logRecords: fc.array(logRecord, { maxLength: 3 }) }), { maxLength: 2 }),
  }), { maxLength: 2 }),
});

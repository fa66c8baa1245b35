// OTLP/JSON decoding of metrics (Metric and its data points) into the model.
import {
  array, bool, count, double, enumValue, hexId, int32, int64, type Json, keyValues, optDouble, optObject, string,
  uint32, uint64,
} from './json-read.js';
import type { Exemplar, ExpBuckets, KeyValue, Metric, MetricData, NumberDataPoint } from './model.js';

const TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0, AGGREGATION_TEMPORALITY_DELTA: 1, AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
/** Decodes one OTLP/JSON Metric at key path `p`. */
export function decodeMetric(v: unknown, p: string): Metric {
  const m = optObject(v, p) ?? {};
  return {
    name: string(m.name, `${p}.name`),
    description: string(m.description, `${p}.description`),
    unit: string(m.unit, `${p}.unit`),
    data: decodeData(m, p),
    metadata: keyValues(m.metadata, `${p}.metadata`),
  };
}

function decodeData(m: Json, p: string): MetricData | null {
  const temporality = (d: Json, pd: string) => enumValue(d.aggregationTemporality, `${pd}.aggregationTemporality`, TEMPORALITY);
  let d: Json | null;
  if ((d = optObject(m.gauge, `${p}.gauge`)) !== null) {
    const pd = `${p}.gauge`;
    return { type: 'gauge', dataPoints: eachPoint(d, pd, numberPoint) };
  }
  if ((d = optObject(m.sum, `${p}.sum`)) !== null) {
    const pd = `${p}.sum`;
    return {
      type: 'sum', dataPoints: eachPoint(d, pd, numberPoint),
      aggregationTemporality: temporality(d, pd), isMonotonic: bool(d.isMonotonic, `${pd}.isMonotonic`),
    };
  }
  if ((d = optObject(m.histogram, `${p}.histogram`)) !== null) {
    const pd = `${p}.histogram`;
    return {
      type: 'histogram', aggregationTemporality: temporality(d, pd),
      dataPoints: eachPoint(d, pd, (o, pp) => ({
          ...pointHead(o, pp),
          count: count(o.count, `${pp}.count`),
          sum: optDouble(o.sum, `${pp}.sum`),
          bucketCounts: array(o.bucketCounts, `${pp}.bucketCounts`).map((c, k) => count(c, `${pp}.bucketCounts[${k}]`)),
          explicitBounds: array(o.explicitBounds, `${pp}.explicitBounds`).map((b, k) => double(b, `${pp}.explicitBounds[${k}]`)),
          exemplars: exemplars(o.exemplars, `${pp}.exemplars`),
          flags: uint32(o.flags, `${pp}.flags`),
          min: optDouble(o.min, `${pp}.min`),
          max: optDouble(o.max, `${pp}.max`),
        })),
    };
  }
  if ((d = optObject(m.exponentialHistogram, `${p}.exponentialHistogram`)) !== null) {
    const pd = `${p}.exponentialHistogram`;
    return {
      type: 'exponentialHistogram', aggregationTemporality: temporality(d, pd),
      dataPoints: eachPoint(d, pd, (o, pp) => ({
          ...pointHead(o, pp),
          count: count(o.count, `${pp}.count`),
          sum: optDouble(o.sum, `${pp}.sum`),
          scale: int32(o.scale, `${pp}.scale`),
          zeroCount: count(o.zeroCount, `${pp}.zeroCount`),
          positive: buckets(o.positive, `${pp}.positive`),
          negative: buckets(o.negative, `${pp}.negative`),
          flags: uint32(o.flags, `${pp}.flags`),
          exemplars: exemplars(o.exemplars, `${pp}.exemplars`),
          min: optDouble(o.min, `${pp}.min`),
          max: optDouble(o.max, `${pp}.max`),
          zeroThreshold: double(o.zeroThreshold, `${pp}.zeroThreshold`),
        })),
    };
  }
  if ((d = optObject(m.summary, `${p}.summary`)) !== null) {
    const pd = `${p}.summary`;
    return {
      type: 'summary',
      dataPoints: eachPoint(d, pd, (o, pp) => ({
          ...pointHead(o, pp),
          count: count(o.count, `${pp}.count`),
          sum: double(o.sum, `${pp}.sum`),
          quantileValues: array(o.quantileValues, `${pp}.quantileValues`).map((qv, k) => {
            const q = optObject(qv, `${pp}.quantileValues[${k}]`) ?? {};
            return {
              quantile: double(q.quantile, `${pp}.quantileValues[${k}].quantile`),
              value: double(q.value, `${pp}.quantileValues[${k}].value`),
            };
          }),
          flags: uint32(o.flags, `${pp}.flags`),
        })),
    };
  }
  return null;
}

/** asInt wins over asDouble when both are present; neither reads as 0 (a double). */
function pointValue(o: Json, p: string): number | bigint {
  if (o.asInt !== undefined && o.asInt !== null) return int64(o.asInt, `${p}.asInt`);
  return double(o.asDouble, `${p}.asDouble`);
}

/** The fields every data point starts with. */
function pointHead(o: Json, p: string): { attributes: KeyValue[]; startTimeUnixNano: bigint; timeUnixNano: bigint } {
  return {
    attributes: keyValues(o.attributes, `${p}.attributes`),
    startTimeUnixNano: uint64(o.startTimeUnixNano, `${p}.startTimeUnixNano`),
    timeUnixNano: uint64(o.timeUnixNano, `${p}.timeUnixNano`),
  };
}

/** Decodes each of `d.dataPoints` with its own key path. */
function eachPoint<T>(d: Json, pd: string, decode: (o: Json, pp: string) => T): T[] {
  return array(d.dataPoints, `${pd}.dataPoints`).map((x, i) => {
    const pp = `${pd}.dataPoints[${i}]`;
    return decode(optObject(x, pp) ?? {}, pp);
  });
}

function numberPoint(o: Json, p: string): NumberDataPoint {
  return {
    ...pointHead(o, p),
    value: pointValue(o, p),
    exemplars: exemplars(o.exemplars, `${p}.exemplars`),
    flags: uint32(o.flags, `${p}.flags`),
  };
}

function exemplars(v: unknown, path: string): Exemplar[] {
  return array(v, path).map((ev, i) => {
    const p = `${path}[${i}]`;
    const o = optObject(ev, p) ?? {};
    return {
      filteredAttributes: keyValues(o.filteredAttributes, `${p}.filteredAttributes`),
      timeUnixNano: uint64(o.timeUnixNano, `${p}.timeUnixNano`),
      value: pointValue(o, p),
      spanId: hexId(o.spanId, `${p}.spanId`, 8),
      traceId: hexId(o.traceId, `${p}.traceId`, 16),
    };
  });
}

function buckets(v: unknown, p: string): ExpBuckets | null {
  const o = optObject(v, p);
  if (o === null) return null;
  return {
    offset: int32(o.offset, `${p}.offset`),
    bucketCounts: array(o.bucketCounts, `${p}.bucketCounts`).map((c, k) => count(c, `${p}.bucketCounts[${k}]`)),
  };
}


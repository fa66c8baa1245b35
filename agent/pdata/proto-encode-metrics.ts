// Protobuf encoding of OTLP metrics messages (ResourceMetrics and below) from the model.
import type {
  ExpBuckets, Exemplar, ExponentialHistogramDataPoint, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics,
  SummaryDataPoint,
} from './model.js';
import {
  writeBytesField, writeCountField, writeDoubleField, writeFixed64Field, writeInt32Field, writeKeyValues,
  writeResource, writeScope, writeStringField, writeUint32Field,
} from './proto-encode-common.js';
import { type ProtoWriter, varintSize } from './proto-writer.js';

/** Writes one ResourceMetrics as field 1 of an ExportMetricsServiceRequest / MetricsData. */
export function writeResourceMetrics(w: ProtoWriter, rm: ResourceMetrics): void {
  w.uint32(0x0a);
  const mr = w.fork(3);
  writeResource(w, 0x0a, rm.resource);
  for (const sm of rm.scopeMetrics) {
    w.uint32(0x12);
    const ms = w.fork(3);
    writeScope(w, 0x0a, sm.scope);
    for (const m of sm.metrics) writeMetric(w, m);
    writeStringField(w, 0x1a, sm.schemaUrl);
    w.ldelim(ms);
  }
  writeStringField(w, 0x1a, rm.schemaUrl);
  w.ldelim(mr);
}

function writeMetric(w: ProtoWriter, metric: Metric): void {
  w.uint32(0x12);
  const m = w.fork(2);
  writeStringField(w, 0x0a, metric.name);
  writeStringField(w, 0x12, metric.description);
  writeStringField(w, 0x1a, metric.unit);
  const d = metric.data;
  if (d !== null) {
    const tag = d.type === 'gauge' ? 0x2a : d.type === 'sum' ? 0x3a : d.type === 'histogram' ? 0x4a
      : d.type === 'exponentialHistogram' ? 0x52 : 0x5a;
    w.uint32(tag);
    const md = w.fork(2);
    switch (d.type) {
      case 'gauge': for (const p of d.dataPoints) writeNumberPoint(w, p); break;
      case 'sum':
        for (const p of d.dataPoints) writeNumberPoint(w, p);
        writeInt32Field(w, 0x10, d.aggregationTemporality);
        if (d.isMonotonic) { w.uint32(0x18); w.uint32(1); }
        break;
      case 'histogram':
        for (const p of d.dataPoints) writeHistogramPoint(w, p);
        writeInt32Field(w, 0x10, d.aggregationTemporality);
        break;
      case 'exponentialHistogram':
        for (const p of d.dataPoints) writeExpHistogramPoint(w, p);
        writeInt32Field(w, 0x10, d.aggregationTemporality);
        break;
      case 'summary': for (const p of d.dataPoints) writeSummaryPoint(w, p); break;
    }
    w.ldelim(md);
  }
  writeKeyValues(w, 0x62, metric.metadata);
  w.ldelim(m);
}

function writeNumberPoint(w: ProtoWriter, p: NumberDataPoint): void {
  w.uint32(0x0a);
  const m = w.fork();
  writeFixed64Field(w, 0x11, p.startTimeUnixNano);
  writeFixed64Field(w, 0x19, p.timeUnixNano);
  if (typeof p.value === 'bigint') { w.uint32(0x31); w.sfixed64(p.value); } else { w.uint32(0x21); w.double(p.value); }
  for (const e of p.exemplars) writeExemplar(w, 0x2a, e);
  writeKeyValues(w, 0x3a, p.attributes);
  writeUint32Field(w, 0x40, p.flags);
  w.ldelim(m);
}

function writeOptionalDouble(w: ProtoWriter, tag: number, v: number | undefined): void {
  if (v !== undefined) { w.uint32(tag); w.double(v); }
}

function writeHistogramPoint(w: ProtoWriter, p: HistogramDataPoint): void {
  w.uint32(0x0a);
  const m = w.fork(2);
  writeFixed64Field(w, 0x11, p.startTimeUnixNano);
  writeFixed64Field(w, 0x19, p.timeUnixNano);
  writeCountField(w, 0x21, p.count);
  writeOptionalDouble(w, 0x29, p.sum);
  if (p.bucketCounts.length > 0) {
    w.uint32(0x32);
    w.uint32(p.bucketCounts.length * 8);
    for (const c of p.bucketCounts) w.fixed64Number(c);
  }
  if (p.explicitBounds.length > 0) {
    w.uint32(0x3a);
    w.uint32(p.explicitBounds.length * 8);
    for (const b of p.explicitBounds) w.double(b);
  }
  for (const e of p.exemplars) writeExemplar(w, 0x42, e);
  writeKeyValues(w, 0x4a, p.attributes);
  writeUint32Field(w, 0x50, p.flags);
  writeOptionalDouble(w, 0x59, p.min);
  writeOptionalDouble(w, 0x61, p.max);
  w.ldelim(m);
}

function writeBuckets(w: ProtoWriter, tag: number, b: ExpBuckets | null): void {
  if (b === null) return;
  w.uint32(tag);
  const m = w.fork(2);
  if (b.offset !== 0) { w.uint32(0x08); w.sint32(b.offset); }
  if (b.bucketCounts.length > 0) {
    w.uint32(0x12);
    const mc = w.fork(varintSize(b.bucketCounts.length));
    for (const c of b.bucketCounts) w.uint64Number(c);
    w.ldelim(mc);
  }
  w.ldelim(m);
}

function writeExpHistogramPoint(w: ProtoWriter, p: ExponentialHistogramDataPoint): void {
  w.uint32(0x0a);
  const m = w.fork(2);
  writeKeyValues(w, 0x0a, p.attributes);
  writeFixed64Field(w, 0x11, p.startTimeUnixNano);
  writeFixed64Field(w, 0x19, p.timeUnixNano);
  writeCountField(w, 0x21, p.count);
  writeOptionalDouble(w, 0x29, p.sum);
  if (p.scale !== 0) { w.uint32(0x30); w.sint32(p.scale); }
  writeCountField(w, 0x39, p.zeroCount);
  writeBuckets(w, 0x42, p.positive);
  writeBuckets(w, 0x4a, p.negative);
  writeUint32Field(w, 0x50, p.flags);
  for (const e of p.exemplars) writeExemplar(w, 0x5a, e);
  writeOptionalDouble(w, 0x61, p.min);
  writeOptionalDouble(w, 0x69, p.max);
  writeDoubleField(w, 0x71, p.zeroThreshold);
  w.ldelim(m);
}

function writeSummaryPoint(w: ProtoWriter, p: SummaryDataPoint): void {
  w.uint32(0x0a);
  const m = w.fork(2);
  writeFixed64Field(w, 0x11, p.startTimeUnixNano);
  writeFixed64Field(w, 0x19, p.timeUnixNano);
  writeCountField(w, 0x21, p.count);
  writeDoubleField(w, 0x29, p.sum);
  for (const q of p.quantileValues) {
    w.uint32(0x32);
    const mq = w.fork();
    writeDoubleField(w, 0x09, q.quantile);
    writeDoubleField(w, 0x11, q.value);
    w.ldelim(mq);
  }
  writeKeyValues(w, 0x3a, p.attributes);
  writeUint32Field(w, 0x40, p.flags);
  w.ldelim(m);
}

function writeExemplar(w: ProtoWriter, tag: number, e: Exemplar): void {
  w.uint32(tag);
  const m = w.fork();
  writeFixed64Field(w, 0x11, e.timeUnixNano);
  if (typeof e.value === 'bigint') { w.uint32(0x31); w.sfixed64(e.value); } else { w.uint32(0x19); w.double(e.value); }
  writeBytesField(w, 0x22, e.spanId);
  writeBytesField(w, 0x2a, e.traceId);
  writeKeyValues(w, 0x3a, e.filteredAttributes);
  w.ldelim(m);
}

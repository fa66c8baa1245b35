// Micro-benchmark: our direct OTLP trace encoder versus the SDK path (ReadableSpan views → ProtobufTraceSerializer).
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { pathToFileURL } from 'node:url';
import type { AnyValue, KeyValue, TracesData } from '../agent/pdata/model.js';
import { decodeTracesRequest } from '../agent/pdata/proto-decode.js';
import { encodeTracesRequest } from '../agent/pdata/proto-encode.js';
import { makeTracesData } from './fixtures.js';

/** Spans per second of one encoder, and the bytes it wrote per span. */
export interface EncodeRate { spansPerSec: number; bytesPerSpan: number }

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];

/** AnyValue as an SDK attribute value; int64 beyond 2^53 loses precision (one reason we do not use this path). */
function sdkValue(v: AnyValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(sdkValue);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.fromEntries(v.kvlistValue.map((kv) => [kv.key, sdkValue(kv.value)]));
  return v;
}
const sdkAttrs = (kvs: KeyValue[]): Attributes => Object.fromEntries(kvs.map((kv) => [kv.key, sdkValue(kv.value) as AttributeValue]));
const traceState = (s: string) => (s ? { serialize: () => s } as unknown as SpanContext['traceState'] : undefined);

/**
 * What `@opentelemetry/exporter-trace-otlp-grpc` would need from us: ReadableSpan views of the
 * model (hex ids, HrTime, SDK attributes, one Resource and scope object per group).
 */
export function toReadableSpans(td: TracesData): ReadableSpan[] {
  const out: ReadableSpan[] = [];
  for (const rs of td.resourceSpans) {
    const resource = resourceFromAttributes(sdkAttrs(rs.resource?.attributes ?? []));
    for (const ss of rs.scopeSpans) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version, schemaUrl: ss.schemaUrl || undefined };
      for (const s of ss.spans) {
        const ctx: SpanContext = { traceId: hex(s.traceId), spanId: hex(s.spanId), traceFlags: s.flags & 0xff, traceState: traceState(s.traceState) };
        out.push({
          name: s.name, kind: Math.max(0, s.kind - 1), spanContext: () => ctx,
          parentSpanContext: s.parentSpanId.length ? { traceId: ctx.traceId, spanId: hex(s.parentSpanId), traceFlags: ctx.traceFlags } : undefined,
          startTime: hr(s.startTimeUnixNano), endTime: hr(s.endTimeUnixNano), duration: hr(s.endTimeUnixNano - s.startTimeUnixNano), ended: true,
          status: { code: s.status.code, message: s.status.message || undefined },
          attributes: sdkAttrs(s.attributes),
          links: s.links.map((l): Link => ({ context: { traceId: hex(l.traceId), spanId: hex(l.spanId), traceFlags: l.flags & 0xff, traceState: traceState(l.traceState) }, attributes: sdkAttrs(l.attributes), droppedAttributesCount: l.droppedAttributesCount })),
          events: s.events.map((e): TimedEvent => ({ time: hr(e.timeUnixNano), name: e.name, attributes: sdkAttrs(e.attributes), droppedAttributesCount: e.droppedAttributesCount })),
          resource, instrumentationScope: scope,
          droppedAttributesCount: s.droppedAttributesCount, droppedEventsCount: s.droppedEventsCount, droppedLinksCount: s.droppedLinksCount,
        });
      }
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Encodes the same realistic batches (100 spans, 10–20 attributes each) three ways, interleaved
 * per round: direct (`encodeTracesRequest`), SDK path (build ReadableSpan views, then
 * `ProtobufTraceSerializer.serializeRequest`), and SDK serialize only (views prebuilt, a bound the
 * SDK path cannot beat). Reports median spans/s and direct ÷ SDK path.
 * @param rounds timed rounds per variant (default 9)
 * @param requests distinct batches (default 40, i.e. 4,000 spans per round)
 */
export async function benchExportEncode(rounds = 9, requests = 40): Promise<{
  direct: EncodeRate; sdkPath: EncodeRate; sdkSerializeOnly: EncodeRate; ratio: number; ratioSerializeOnly: number;
}> {
  const spansPerRequest = 100;
  const batches = Array.from({ length: requests }, (_, i) => makeTracesData({ seed: i + 1, spansPerResource: spansPerRequest }));
  const views = batches.map(toReadableSpans);
  const check = decodeTracesRequest(ProtobufTraceSerializer.serializeRequest(views[0]!)!);
  if (check.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length !== spansPerRequest) throw new Error('SDK path lost spans');
  const bytes = { direct: 0, sdk: 0, only: 0 };
  const variants = {
    direct: () => { let n = 0; for (const td of batches) n += encodeTracesRequest(td).byteLength; bytes.direct = n; },
    sdk: () => { let n = 0; for (const td of batches) n += ProtobufTraceSerializer.serializeRequest(toReadableSpans(td))!.byteLength; bytes.sdk = n; },
    only: () => { let n = 0; for (const v of views) n += ProtobufTraceSerializer.serializeRequest(v)!.byteLength; bytes.only = n; },
  };
  const time = (f: () => void) => { const t0 = process.hrtime.bigint(); f(); return Number(process.hrtime.bigint() - t0) / 1e9; };
  for (let i = 0; i < 3; i++) for (const f of Object.values(variants)) f(); // warm up
  const t = { direct: [] as number[], sdk: [] as number[], only: [] as number[] };
  const order = ['direct', 'sdk', 'only'] as const;
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < 3; k++) { const name = order[(r + k) % 3]!; t[name].push(time(variants[name])); }
  }
  const spans = requests * spansPerRequest;
  const rate = (name: keyof typeof t): EncodeRate => ({ spansPerSec: spans / median(t[name]), bytesPerSpan: bytes[name] / spans });
  const direct = rate('direct');
  const sdkPath = rate('sdk');
  const sdkSerializeOnly = rate('only');
  return { direct, sdkPath, sdkSerializeOnly, ratio: direct.spansPerSec / sdkPath.spansPerSec, ratioSerializeOnly: direct.spansPerSec / sdkSerializeOnly.spansPerSec };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchExportEncode();
  const row = (name: string, x: EncodeRate) => `${name.padEnd(40)} ${x.spansPerSec.toFixed(0).padStart(10)} ${x.bytesPerSpan.toFixed(0).padStart(8)}`;
  console.log([`${'trace encoder (100-span batches, median)'.padEnd(40)} ${'spans/s'.padStart(10)} ${'B/span'.padStart(8)}`,
    row('direct encodeTracesRequest', r.direct), row('SDK path (views + serializer)', r.sdkPath), row('SDK serializer only (views prebuilt)', r.sdkSerializeOnly),
    `direct ÷ SDK path = ${r.ratio.toFixed(2)}×, direct ÷ serializer only = ${r.ratioSerializeOnly.toFixed(2)}×`].join('\n'));
}

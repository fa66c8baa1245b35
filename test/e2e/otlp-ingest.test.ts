// Real OTel SDK exporters (gRPC, HTTP/protobuf, HTTP/JSON) send traces and metrics to a running
// agent; a sink behind it must hold every field exactly as the SDK sent it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, createTraceState, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { Agent } from '../../agent/agent.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { toHex } from '../../agent/pdata/hex.js';
import type { AnyValue, KeyValue, Metric, Span, TracesData, MetricsData } from '../../agent/pdata/model.js';
import { createSink, type Sink } from '../kit/sink.js';
import { sinkConfig } from '../kit/config.js';

let agent: Agent;
let sink: Sink;
let grpcUrl: string;
let httpUrl: string;

beforeAll(async () => {
  sink = createSink();
  agent = await Agent.start(sinkConfig(), { factories: [sink.factory] });
  const eps = agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints;
  grpcUrl = `http://${eps.grpc}`;
  httpUrl = `http://${eps.http}`;
});
afterAll(async () => { await agent?.stop(); });

const transports = [
  { name: 'gRPC', traces: () => new GrpcTraceExporter({ url: grpcUrl }), metrics: () => new GrpcMetricExporter({ url: grpcUrl }) },
  { name: 'gRPC gzip', traces: () => new GrpcTraceExporter({ url: grpcUrl, compression: 'gzip' as never }), metrics: () => new GrpcMetricExporter({ url: grpcUrl, compression: 'gzip' as never }) },
  { name: 'HTTP/protobuf', traces: () => new ProtoTraceExporter({ url: `${httpUrl}/v1/traces` }), metrics: () => new ProtoMetricExporter({ url: `${httpUrl}/v1/metrics` }) },
  { name: 'HTTP/JSON', traces: () => new JsonTraceExporter({ url: `${httpUrl}/v1/traces` }), metrics: () => new JsonMetricExporter({ url: `${httpUrl}/v1/metrics` }) },
];

function nanos(hr: [number, number]): bigint { return BigInt(hr[0]) * 1_000_000_000n + BigInt(hr[1]); }

/** What the SDK's attribute value becomes in the model: integers are int64 (bigint), other numbers doubles. */
function expectedValue(v: unknown): AnyValue {
  if (Array.isArray(v)) return v.map(expectedValue);
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return v as AnyValue;
}
function expectedAttrs(attrs: Record<string, unknown>): KeyValue[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: expectedValue(value) }));
}
function byKey(kvs: KeyValue[]): Record<string, AnyValue> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, kv.value]));
}

function allSpans(batches: TracesData[]): Array<{ span: Span; resource: KeyValue[]; scope: { name: string; version: string } }> {
  return batches.flatMap((b) => b.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) =>
    ss.spans.map((span) => ({ span, resource: rs.resource?.attributes ?? [], scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' } })))));
}

function makeSpans(run: string, exporter: SpanExporter) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `checkout-${run}`, 'service.instance.id': 'pod-1', 'deployment.environment': 'test', 'host.cpu.count': 2 }),
    spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10 })],
  });
  const tracer = provider.getTracer('e2e-scope', '1.2.3');
  const remote = trace.setSpanContext(context.active(), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true,
    traceState: createTraceState('ot=th:c,vendor=x'),
  });
  const root = tracer.startSpan(`GET /cart ${run}`, {
    kind: SpanKind.SERVER,
    attributes: {
      'http.route': '/cart', 'http.response.status_code': 500, 'ratio': 0.25, 'cached': false, 'big.int': 9007199254740991,
      'tags': ['a', 'b'], 'codes': [1, 2, 3], 'weights': [0.5, 1.5], 'flags': [true, false], 'empty': '',
    },
  }, remote);
  root.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'db timed out', attempt: 3 });
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  const child = tracer.startSpan('SELECT cart', {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system': 'postgresql' },
    links: [{ context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }, attributes: { 'link.kind': 'follows' } }],
  }, trace.setSpan(context.active(), root));
  child.setStatus({ code: SpanStatusCode.OK });
  for (const kind of [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER]) tracer.startSpan(`kind-${kind}`, { kind }, trace.setSpan(context.active(), root)).end();
  child.end();
  root.end();
  return { provider, memory };
}

describe('OTel SDK traces arrive intact', () => {
  for (const t of transports) {
    it(`over ${t.name}`, async () => {
      const run = t.name.replace(/\W/g, '');
      const { provider, memory } = makeSpans(run, t.traces());
      await provider.forceFlush();
      const sent: ReadableSpan[] = memory.getFinishedSpans();
      expect(sent).toHaveLength(5);
      const service = `checkout-${run}`;
      const deadline = Date.now() + 10_000;
      let got = allSpans(sink.received.traces).filter((s) => byKey(s.resource)['service.name'] === service);
      while (got.length < 5 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        got = allSpans(sink.received.traces).filter((s) => byKey(s.resource)['service.name'] === service);
      }
      expect(got).toHaveLength(5);
      for (const s of sent) {
        const ctx = s.spanContext();
        const match = got.find((g) => toHex(g.span.spanId) === ctx.spanId);
        expect(match, `span ${s.name}`).toBeDefined();
        const { span, resource, scope } = match!;
        expect(toHex(span.traceId)).toBe(ctx.traceId);
        expect(toHex(span.parentSpanId)).toBe(s.parentSpanContext?.spanId ?? '');
        expect(span.traceState).toBe(ctx.traceState?.serialize() ?? '');
        expect(span.flags & 0xff).toBe(ctx.traceFlags);
        expect(span.name).toBe(s.name);
        expect(span.kind).toBe(s.kind + 1);
        expect(span.startTimeUnixNano).toBe(nanos(s.startTime));
        expect(span.endTimeUnixNano).toBe(nanos(s.endTime));
        expect(span.status).toEqual({ code: s.status.code, message: s.status.message ?? '' });
        expect(span.attributes).toEqual(expectedAttrs(s.attributes));
        expect(span.events.map((e) => ({ name: e.name, time: e.timeUnixNano, attributes: e.attributes })))
          .toEqual(s.events.map((e) => ({ name: e.name, time: nanos(e.time), attributes: expectedAttrs(e.attributes ?? {}) })));
        expect(span.links.map((l) => ({ traceId: toHex(l.traceId), spanId: toHex(l.spanId), attributes: l.attributes })))
          .toEqual(s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: expectedAttrs(l.attributes ?? {}) })));
        expect(byKey(resource)).toEqual(Object.fromEntries(Object.entries(s.resource.attributes).map(([k, v]) => [k, expectedValue(v)])));
        expect(scope).toEqual({ name: 'e2e-scope', version: '1.2.3' });
      }
      await provider.shutdown();
    });
  }
});

function allMetrics(batches: MetricsData[], service: string): Map<string, Metric> {
  const out = new Map<string, Metric>();
  for (const b of batches) for (const rm of b.resourceMetrics) {
    if (byKey(rm.resource?.attributes ?? [])['service.name'] !== service) continue;
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.name, m);
  }
  return out;
}

describe('OTel SDK metrics arrive intact', () => {
  for (const t of transports) {
    it(`over ${t.name}`, async () => {
      const service = `metrics-${t.name.replace(/\W/g, '')}`;
      const reader = new PeriodicExportingMetricReader({ exporter: t.metrics() as PushMetricExporter, exportIntervalMillis: 60_000 });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        readers: [reader],
        views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
      });
      const meter = provider.getMeter('e2e-meter', '0.0.1');
      meter.createCounter('requests', { unit: '{request}', valueType: ValueType.INT, description: 'requests served' }).add(5, { route: '/cart' });
      const upDown = meter.createUpDownCounter('queue.depth', { valueType: ValueType.INT });
      upDown.add(3); upDown.add(-1);
      meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'a' });
      const latency = meter.createHistogram('latency', { unit: 'ms' });
      for (const v of [1, 5, 50, 500]) latency.record(v);
      const size = meter.createHistogram('payload.size', { unit: 'By' });
      for (const v of [0.5, 3, 3, 1000, 1e6]) size.record(v);
      await provider.forceFlush();

      const deadline = Date.now() + 10_000;
      let got = allMetrics(sink.received.metrics, service);
      while (got.size < 5 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        got = allMetrics(sink.received.metrics, service);
      }
      const requests = got.get('requests')!;
      expect(requests.unit).toBe('{request}');
      expect(requests.description).toBe('requests served');
      expect(requests.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 });
      expect(requests.data!.dataPoints[0]).toMatchObject({ value: 5n, attributes: [{ key: 'route', value: '/cart' }] });
      expect(got.get('queue.depth')!.data).toMatchObject({ type: 'sum', isMonotonic: false });
      expect(got.get('queue.depth')!.data!.dataPoints[0]).toMatchObject({ value: 2n });
      expect(got.get('temperature')!.data).toMatchObject({ type: 'gauge' });
      expect(got.get('temperature')!.data!.dataPoints[0]).toMatchObject({ value: 21.5, attributes: [{ key: 'room', value: 'a' }] });
      const h = got.get('latency')!.data!;
      expect(h.type).toBe('histogram');
      const hp = (h as Extract<typeof h, { type: 'histogram' }>).dataPoints[0]!;
      expect(hp).toMatchObject({ count: 4, sum: 556, min: 1, max: 500 });
      expect(hp.explicitBounds).toEqual([0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]);
      expect(hp.bucketCounts).toEqual([0, 2, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
      expect(hp.startTimeUnixNano).toBeGreaterThan(0n);
      expect(hp.timeUnixNano).toBeGreaterThanOrEqual(hp.startTimeUnixNano);
      const e = got.get('payload.size')!.data!;
      expect(e.type).toBe('exponentialHistogram');
      const ep = (e as Extract<typeof e, { type: 'exponentialHistogram' }>).dataPoints[0]!;
      expect(ep).toMatchObject({ count: 5, sum: 1_001_006.5, min: 0.5, max: 1e6, zeroCount: 0 });
      expect(ep.positive!.bucketCounts.reduce((a, b) => a + b, 0)).toBe(5);
      expect(typeof ep.scale).toBe('number');
      await provider.shutdown();
    });
  }

  it('summary points (which the SDK cannot produce) over HTTP/JSON', async () => {
    const body = {
      resourceMetrics: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'legacy' } }] },
        scopeMetrics: [{ scope: { name: 'prom-bridge' }, metrics: [{
          name: 'rpc.duration', unit: 's',
          summary: { dataPoints: [{ startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000060000000000', count: '10', sum: 2.5,
            quantileValues: [{ quantile: 0.5, value: 0.2 }, { quantile: 0.99, value: 0.9 }], attributes: [{ key: 'method', value: { stringValue: 'Get' } }] }] },
        }] }],
      }],
    };
    const res = await fetch(`${httpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await sink.waitFor('metrics', 1);
    const deadline = Date.now() + 5000;
    while (!allMetrics(sink.received.metrics, 'legacy').has('rpc.duration') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const m = allMetrics(sink.received.metrics, 'legacy').get('rpc.duration')!;
    expect(m.data).toEqual({ type: 'summary', dataPoints: [{
      attributes: [{ key: 'method', value: 'Get' }], startTimeUnixNano: 1700000000000000000n, timeUnixNano: 1700000060000000000n,
      count: 10, sum: 2.5, quantileValues: [{ quantile: 0.5, value: 0.2 }, { quantile: 0.99, value: 0.9 }], flags: 0,
    }] });
  });
});

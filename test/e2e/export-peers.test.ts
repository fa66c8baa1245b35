// Agent A exports traces, metrics and logs from real OTel SDK clients to real OTLP peers: two more
// agents (plaintext and TLS, gzip on and off) and a gRPC server that checks custom headers.
// Every peer must hold exactly what A received, field for field.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Agent } from '../../agent/agent.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from '../../agent/pdata/json.js';
import type { LogsData, MetricsData, TracesData } from '../../agent/pdata/model.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { sinkConfig, tempDir } from '../kit/config.js';
import { makeTestCerts, type TestCerts } from '../kit/exporter-testing.js';
import { startGrpcSink, type GrpcSink } from '../kit/grpc-sink.js';
import { createSink, type Sink } from '../kit/sink.js';
import { until } from '../../test/kit/until.js';

let certs: TestCerts;
const agents: Agent[] = [];
let a: Agent;
let sinkA: Sink;
let sinkPlain: Sink;
let sinkTls: Sink;
let headerSink: GrpcSink;

async function downstreamAgent(sink: Sink, tls?: TestCerts): Promise<string> {
  const config = sinkConfig({ processors: {}, pipelineProcessors: [] });
  if (tls) (config.receivers.otlp.protocols.grpc as Record<string, unknown>).tls = { cert_file: tls.serverCert, key_file: tls.serverKey };
  const agent = await Agent.start(config, { factories: [sink.factory] });
  agents.push(agent);
  return agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!;
}

beforeAll(async () => {
  certs = makeTestCerts();
  [sinkA, sinkPlain, sinkTls] = [createSink(), createSink(), createSink()];
  const plain = await downstreamAgent(sinkPlain);
  const tls = (await downstreamAgent(sinkTls, certs)).replace('127.0.0.1', 'localhost');
  headerSink = await startGrpcSink();
  process.env.OUTRIDER_E2E_TOKEN = 's3cret';
  const retry = { initial_interval: '100ms', max_interval: '500ms' };
  const exporters = {
    sink: {},
    'otlp/plain-gzip': { endpoint: plain, tls: { insecure: true }, compression: 'gzip', retry_on_failure: retry },
    'otlp/plain-none': { endpoint: plain, tls: { insecure: true }, compression: 'none', retry_on_failure: retry },
    'otlp/tls-gzip': { endpoint: tls, tls: { ca_file: certs.caFile }, compression: 'gzip', retry_on_failure: retry },
    'otlp/tls-none': { endpoint: tls, tls: { ca_file: certs.caFile }, compression: 'none', retry_on_failure: retry },
    'otlp/headers': { endpoint: `127.0.0.1:${headerSink.port}`, tls: { insecure: true }, headers: { 'x-tenant': 'acme', authorization: 'Bearer ${env:OUTRIDER_E2E_TOKEN}' }, retry_on_failure: retry },
  };
  const config = sinkConfig({ processors: { batch: { timeout: '20ms' } } });
  const pipeline = { receivers: ['otlp'], processors: ['batch'], exporters: Object.keys(exporters) };
  a = await Agent.start({ ...config, exporters, service: { ...config.service, pipelines: { traces: pipeline, metrics: pipeline, logs: pipeline } } }, { factories: [sinkA.factory] });
  agents.push(a);
});

afterAll(async () => {
  for (const agent of agents.reverse()) await agent.stop();
  await headerSink?.close();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

/** Each span, metric or log record with its resource and scope, as canonical OTLP/JSON lines (a multiset). */
function traceLines(batches: TracesData[]): string[] {
  return batches.flatMap((b) => b.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) =>
    JSON.stringify(encodeTracesJson({ resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: [span] }] }] })))))).sort();
}
function metricLines(batches: MetricsData[]): string[] {
  return batches.flatMap((b) => b.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) =>
    JSON.stringify(encodeMetricsJson({ resourceMetrics: [{ ...rm, scopeMetrics: [{ ...sm, metrics: [m] }] }] })))))).sort();
}
function logLines(batches: LogsData[]): string[] {
  return batches.flatMap((b) => b.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) =>
    JSON.stringify(encodeLogsJson({ resourceLogs: [{ ...rl, scopeLogs: [{ ...sl, logRecords: [r] }] }] })))))).sort();
}
const twice = (lines: string[]) => [...lines, ...lines].sort();


describe('agent → OTLP peers', () => {
  it('delivers traces, metrics and logs intact over gzip and plain, TLS and plaintext, with headers', async () => {
    const url = `http://${a.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc}`;
    const resource = resourceFromAttributes({ 'service.name': 'cart', 'service.version': '2.1.0' });

    const tracer = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 10 })] });
    const t = tracer.getTracer('peers', '1.0.0');
    for (let i = 0; i < 50; i++) {
      const span = t.startSpan(`GET /cart/${i}`, { attributes: { 'http.route': '/cart/{id}', attempt: i, ratio: i / 7, ok: i % 2 === 0, tags: ['x', 'y'] } });
      span.addEvent('cache.miss', { key: `k${i}` });
      span.end();
    }

    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis: 60_000 });
    const meters = new MeterProvider({ resource, readers: [reader] });
    const m = meters.getMeter('peers');
    m.createCounter('orders').add(3, { region: 'eu' });
    const h = m.createHistogram('checkout.duration', { unit: 's' });
    for (const v of [0.01, 0.2, 1.5]) h.record(v);

    const loggers = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url }), scheduledDelayMillis: 10 })] });
    const log = loggers.getLogger('peers-log', '0.1.0');
    for (let i = 0; i < 20; i++) log.emit({ body: `order ${i} placed`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: { 'order.id': i, vip: i === 3 } });

    await Promise.all([tracer.forceFlush(), meters.forceFlush(), loggers.forceFlush()]);
    await sinkA.waitFor('traces', 50);
    await sinkA.waitFor('logs', 20);
    await sinkA.waitFor('metrics', 2);
    await until(() => sinkPlain.count('traces') >= 100 && sinkTls.count('traces') >= 100 && sinkPlain.count('logs') >= 40 && sinkTls.count('logs') >= 40
      && sinkPlain.count('metrics') >= 4 && sinkTls.count('metrics') >= 4 && headerSink.spans() >= 50, 15_000, 'every peer received its share');

    const spans = traceLines(sinkA.received.traces);
    expect(spans).toHaveLength(50);
    expect(traceLines(sinkPlain.received.traces)).toEqual(twice(spans));
    expect(traceLines(sinkTls.received.traces)).toEqual(twice(spans));
    expect(traceLines(headerSink.traces)).toEqual(spans);

    const metrics = metricLines(sinkA.received.metrics);
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    expect(metricLines(sinkPlain.received.metrics)).toEqual(twice(metrics));
    expect(metricLines(sinkTls.received.metrics)).toEqual(twice(metrics));

    const logs = logLines(sinkA.received.logs);
    expect(logs).toHaveLength(20);
    expect(logs[0]).toContain('"severityText":"INFO"');
    expect(logLines(sinkPlain.received.logs)).toEqual(twice(logs));
    expect(logLines(sinkTls.received.logs)).toEqual(twice(logs));

    const call = headerSink.calls.find((c) => c.signal === 'traces')!;
    expect(call.metadata.get('x-tenant')).toEqual(['acme']);
    expect(call.metadata.get('authorization')).toEqual(['Bearer s3cret']);
    expect(new Set(headerSink.calls.map((c) => c.signal))).toEqual(new Set(['traces', 'metrics', 'logs']));

    const text = await (await fetch(`http://${a.telemetryAddress}/metrics`)).text();
    for (const exp of ['otlp/plain-gzip', 'otlp/plain-none', 'otlp/tls-gzip', 'otlp/tls-none', 'otlp/headers']) {
      expect(text).toContain(`outrider_exporter_sent_spans_total{exporter="${exp}"} 50`);
    }
    await Promise.all([tracer.shutdown(), meters.shutdown(), loggers.shutdown()]);
  });
});

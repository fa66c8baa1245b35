// Ratio SLOs end to end: the OTel metrics SDK exports cumulative counters over OTLP/gRPC to an
// agent whose slo processor sits in both a traces and a metrics pipeline; the ratio SLO's counts
// at /metrics and through the slo service are the SDK's increments exactly, beside a span SLO.
import { SpanKind } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { SLO } from '../../processors/slo/api.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { tempDir } from '../kit/config.js';

describe('slo ratio e2e', () => {
  it('an SDK counter of requests by status: good/total exact across two exports, beside a span SLO', async () => {
    const agent = await Agent.start({ tree: {
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { slo: { objectives: [
        { name: 'api-errors', service: 'checkout', sli: { ratio: { bad: 'http.server.requests{status=~"5.."}', total: 'http.server.requests' } }, objective: 0.99 },
        { name: 'spans', service: 'checkout', sli: 'availability', objective: 0.99 },
      ] } },
      exporters: { nop: {} },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: {
        traces: { receivers: ['otlp'], processors: ['slo'], exporters: ['nop'] },
        metrics: { receivers: ['otlp'], processors: ['slo'], exporters: ['nop'] },
      } },
    } });
    const url = `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc}`;
    const resource = resourceFromAttributes({ 'service.name': 'checkout' });
    const provider = new MeterProvider({ resource, readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis: 3_600_000 })] });
    const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url }))] });
    try {
      const requests = provider.getMeter('e2e').createCounter('http.server.requests');
      requests.add(970, { status: '200' });
      requests.add(30, { status: '503' });
      await provider.forceFlush(); // the counter started after the agent: its first values count
      requests.add(180, { status: '200' });
      requests.add(20, { status: '500' });
      await provider.forceFlush();
      await provider.forceFlush(); // the same cumulative values again: nothing more
      tracer.getTracer('e2e').startSpan('GET /', { kind: SpanKind.SERVER }).end();
      await tracer.forceFlush();
      const board = agent.service(SLO)!;
      expect(board.get('api-errors')).toMatchObject({ good: 1150, total: 1200 });
      expect(board.get('api-errors')!.windows['5m']!.sli).toBe(1150 / 1200);
      expect(board.get('spans')).toMatchObject({ good: 1, total: 1 });
      const text = await (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
      expect(text).toMatch(/^outrider_slo_events_total\{slo="api-errors",service="checkout",outcome="good"\} 1150$/m);
      expect(text).toMatch(/^outrider_slo_events_total\{slo="api-errors",service="checkout",outcome="bad"\} 50$/m);
    } finally {
      await provider.shutdown();
      await tracer.shutdown();
      await agent.stop();
    }
  }, 30_000);
});

// A checkout service instrumented with the real OTel SDK, sending over OTLP/gRPC to an agent:
// `request(error)` makes one SERVER span `POST /pay` (HTTP 500 and status ERROR when `error`) and
// returns its trace id; `flush()` hands what is batched to the agent.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface CheckoutApp {
  request(error: boolean): string;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The app, exporting to `grpcEndpoint` (host:port); `attributes` go on every span. */
export function checkoutApp(grpcEndpoint: string, attributes: Record<string, string> = {}): CheckoutApp {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${grpcEndpoint}` }),
      { maxExportBatchSize: 500, maxQueueSize: 2000, scheduledDelayMillis: 10 })],
  });
  const tracer = provider.getTracer('e2e');
  return {
    request(error) {
      const span = tracer.startSpan('POST /pay', { kind: SpanKind.SERVER, attributes: { ...attributes, 'http.response.status_code': error ? 500 : 200 } });
      if (error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      return span.spanContext().traceId;
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

// A card number and a bearer token sent by a real OTel SDK app never reach the downstream OTLP
// server, /metrics (as spanmetrics dimensions) or the agent's logs (debug exporter, detailed) when
// `redaction: {}` is in the pipeline; the same run without it shows all three would leak.
import { readFileSync, writeFileSync } from 'node:fs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { spawnAgent, waitFor200, writeChildConfig } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { startGrpcSink } from '../kit/grpc-sink.js';
import { until } from '../kit/until.js';

const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = '4111111111111111';
const TOKEN = 's3cr3t-t0ken.Zm9vYmFy';
const SECRETS = [CARD, CARD_DIGITS, TOKEN];

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));

async function sendAndCollect(withRedaction: boolean) {
  const dir = tempDir();
  const sink = await startGrpcSink();
  const cfg = await writeChildConfig(dir, {
    processors: `  redaction: {}
  spanmetrics: { dimensions: [payment.card, http.request.header.authorization] }
  batch: { timeout: 50ms }`,
    exporters: `  otlp/down: { endpoint: "127.0.0.1:${sink.port}", tls: { insecure: true } }
  debug: { verbosity: detailed }`,
    pipelines: `    traces: { receivers: [otlp], processors: [${withRedaction ? 'redaction, ' : ''}spanmetrics, batch], exporters: [otlp/down, debug] }`,
  });
  // the debug exporter logs at info; writeChildConfig sets warn
  writeFileSync(cfg.path, readFileSync(cfg.path, 'utf8').replace('logs: { level: warn }', 'logs: { level: info }'));
  const proc = spawnAgent(['run', '--config', cfg.path]);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${cfg.grpcPort}` }))],
  });
  try {
    await waitFor200(`http://127.0.0.1:${cfg.telemetryPort}/readyz`, 20_000, proc);
    const span = provider.getTracer('shop').startSpan('POST /pay', {
      attributes: {
        'payment.card': CARD,
        'http.request.header.authorization': `Bearer ${TOKEN}`,
        note: `charged ${CARD_DIGITS} after retry with Bearer ${TOKEN}`,
      },
    });
    span.addEvent('card.checked', { card: CARD_DIGITS });
    span.end();
    await provider.forceFlush();
    await until(() => sink.spans() > 0 && proc.output().includes('POST /pay'), 15_000, 'the span at the sink and in the log');
    const metrics = await (await fetch(`http://127.0.0.1:${cfg.telemetryPort}/metrics`)).text();
    return { downstream: json(sink.traces), metrics, logs: proc.output() };
  } finally {
    await provider.shutdown();
    proc.child.kill('SIGTERM');
    await proc.exited;
    await sink.close();
  }
}

describe('redaction end to end (OTel SDK → agent → OTLP server, /metrics, logs)', () => {
  it('with redaction: {} the card number and the bearer token reach neither the downstream, /metrics nor the logs', async () => {
    const { downstream, metrics, logs } = await sendAndCollect(true);
    expect({ downstream: leaks(downstream), metrics: leaks(metrics), logs: leaks(logs) }).toEqual({ downstream: [], metrics: [], logs: [] });
    // the span itself arrived, masked
    expect(downstream).toContain('POST /pay');
    expect(downstream).toContain('charged **** after retry with Bearer ****');
    expect(metrics).toMatch(/traces_span_metrics_calls_total\{[^}]*payment_card="\*\*\*\*"[^}]*\} 1\b/);
    expect(metrics).toMatch(/traces_span_metrics_calls_total\{[^}]*http_request_header_authorization="\*\*\*\*"/);
    expect(metrics).toMatch(/outrider_redaction_masked_total\{[^}]*kind="credit_card"[^}]*\} 3\b/);
    expect(metrics).toMatch(/outrider_redaction_masked_total\{[^}]*kind="sensitive_key"[^}]*\} 1\b/);
    expect(metrics).toMatch(/outrider_redaction_masked_total\{[^}]*kind="bearer_token"[^}]*\} 1\b/);
  }, 60_000);

  it('without it (the control) all three carry them, so the check above can fail', async () => {
    const { downstream, metrics, logs } = await sendAndCollect(false);
    expect(leaks(downstream)).toEqual(SECRETS);
    expect(leaks(metrics)).toEqual([CARD, TOKEN]);
    expect(leaks(logs)).toEqual(SECRETS);
  }, 60_000);
});

// Fleet SLOs: a real Prometheus scrapes two agents fed differently by the OTel SDK and evaluates
// the rules `outrider slo rules` generates; its fleet SLI is the agents' combined counts, to 1e-9.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { sloProcessorFactory } from '../../processors/slo/index.js';
import { sloRulesYaml } from '../../processors/slo/rules.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { tempDir } from '../kit/config.js';
import { one, startPrometheus } from '../kit/prometheus.js';

const slo = { objectives: [{ name: 'checkout-availability', service: 'checkout', sli: 'availability', objective: 0.999, window: '30d' }] };

function startAgent(dir: string): Promise<Agent> {
  return Agent.start({ tree: {
    storage: { path: join(dir, 'outrider.db') },
    receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
    processors: { slo },
    exporters: { nop: {} },
    service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['slo'], exporters: ['nop'] } } },
  } });
}

/** Sends `n` server spans of `checkout` to the agent, `bad` of them failed. */
async function feed(agent: Agent, n: number, bad: number): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc}` }),
      { maxExportBatchSize: 1000, maxQueueSize: 10_000, scheduledDelayMillis: 10 })],
  });
  const tracer = provider.getTracer('fleet');
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan('POST /pay', { kind: SpanKind.SERVER });
    if (i < bad) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
  await provider.shutdown();
}

describe('slo fleet rules on a real Prometheus', () => {
  it('the fleet SLI of every window is Σgood/Σtotal of both sidecars\' counts to 1e-9, not the mean of their SLIs', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([startAgent(join(dir, 'a-')), startAgent(join(dir, 'b-'))]);
    const rules = join(dir, 'slo-rules.yaml');
    writeFileSync(rules, sloRulesYaml(sloProcessorFactory.parse(slo).objectives));
    const prom = await startPrometheus(dir, [a!.telemetryAddress, b!.telemetryAddress], [], [rules]);
    try {
      const sel = 'slo="checkout-availability",service="checkout"';
      // both sidecars expose 0 for both outcomes from start: wait until Prometheus scraped them
      await prom.eventually(`count(outrider_slo_events_total{${sel}} == 0)`, (r) => one(r) === 4, 20_000);
      await Promise.all([feed(a!, 1000, 100), feed(b!, 9000, 9)]); // 10 % and 0.1 %
      const expected = 1 - 109 / 10_000; // 0.9891; the mean of the two SLIs would be 0.9495
      // the agents' own counts combine to exactly that
      const counts = await Promise.all([a!, b!].map(async (x) => (await (await fetch(`http://${x.telemetryAddress}/metrics`)).text())));
      const count = (i: number, outcome: string) => Number(new RegExp(`^outrider_slo_events_total\\{${sel},outcome="${outcome}"\\} (\\S+)$`, 'm').exec(counts[i]!)![1]);
      expect([count(0, 'good'), count(0, 'bad'), count(1, 'good'), count(1, 'bad')]).toEqual([900, 100, 8991, 9]);
      // once a rule evaluation saw the last scrapes, every window's count is the agents' total,
      // not rate()'s extrapolation from each sidecar's scrape phase
      await prom.eventually(`sum(outrider_slo:events:increase{${sel},window="30d"})`, (r) => one(r) === 10_000, 20_000);
      // the group's rules are committed one by one: wait for its last rule of that evaluation
      const at = one(await prom.query(`max(timestamp(outrider_slo:events:increase{${sel},window="30d"}))`));
      await prom.eventually(`timestamp(outrider_slo:objective:ratio{${sel}})`, (r) => one(r) >= at, 10_000);
      const windows = await prom.query(`outrider_slo:sli:ratio{${sel}}`);
      expect(windows.map((r) => r.metric.window).sort()).toEqual(['1d', '1h', '2h', '30d', '30m', '3d', '5m', '6h']);
      for (const r of windows) expect(Math.abs(Number(r.value[1]) - expected), `fleet SLI over ${r.metric.window}: ${r.value[1]}`).toBeLessThan(1e-9);
      const budget = one(await prom.query(`outrider_slo:error_budget_remaining:ratio{${sel}}`));
      expect(Math.abs(budget - (1 - (109 / 10_000) / 0.001))).toBeLessThan(1e-9); // −9.9: overspent about ten times
    } finally {
      prom.stop();
      await Promise.all([a!.stop(), b!.stop()]);
    }
  }, 60_000);
});

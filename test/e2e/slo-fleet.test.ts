// Fleet SLOs: a real Prometheus scrapes two agents fed differently by the OTel SDK and evaluates
// the rules `outrider slo rules` generates; its fleet SLI is the event-weighted combination.
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
  it('the fleet SLI over 30d is Σgood/Σtotal across both sidecars, not the mean of their SLIs', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([startAgent(join(dir, 'a-')), startAgent(join(dir, 'b-'))]);
    const rules = join(dir, 'slo-rules.yaml');
    writeFileSync(rules, sloRulesYaml(sloProcessorFactory.parse(slo).objectives));
    const prom = await startPrometheus(dir, [a!.telemetryAddress, b!.telemetryAddress], [], [rules]);
    try {
      const sel = 'slo="checkout-availability",service="checkout"';
      // both sidecars scraped at 0 first, so rate() has no extrapolation to the window start
      await prom.eventually(`count(outrider_slo_events_total{${sel}})`, (r) => one(r) === 4, 20_000);
      await Promise.all([feed(a!, 1000, 100), feed(b!, 9000, 9)]); // 10 % and 0.1 %
      const expected = 1 - 109 / 10_000; // 0.9891; the mean of the two SLIs would be 0.9495
      await prom.eventually(`sum(outrider_slo_events_total{${sel}})`, (r) => one(r) === 10_000, 20_000);
      // rate() extrapolates each sidecar's increase to the evaluation time by its own scrape phase
      // (≤ 1 scrape interval over the sampled span); after ~10 s of samples that skews the
      // combination by < 1e-3, far from what an unweighted mean would give
      await new Promise((r) => setTimeout(r, 10_000));
      const ruled = `outrider_slo:sli:ratio{${sel},window="30d"}`;
      const got = one(await prom.eventually(ruled, (r) => r.length === 1, 20_000));
      expect(Math.abs(got - expected), `fleet SLI ${got}`).toBeLessThan(1e-3);
      const budget = one(await prom.query(`outrider_slo:error_budget_remaining:ratio{${sel}}`));
      expect(Math.abs(budget - (1 - (109 / 10_000) / 0.001))).toBeLessThan(1); // ≈ −9.9: overspent about ten times
      // the exact figure, from the two agents' own counts
      const counts = await Promise.all([a!, b!].map(async (x) => (await (await fetch(`http://${x.telemetryAddress}/metrics`)).text())));
      const count = (i: number, outcome: string) => Number(new RegExp(`^outrider_slo_events_total\\{${sel},outcome="${outcome}"\\} (\\S+)$`, 'm').exec(counts[i]!)![1]);
      expect(1 - (count(0, 'bad') + count(1, 'bad')) / (count(0, 'good') + count(0, 'bad') + count(1, 'good') + count(1, 'bad'))).toBe(expected);
      // exactly, to 1e-9: at the instant of one rule evaluation, the recorded fleet SLI is the
      // agents' counts combined event by event, each sidecar scaled by its own extrapolation factor
      // (its increase over the evaluation / its true count; one factor for all its series)
      const at = one(await prom.query(`timestamp(${ruled})`));
      const queryAt = async (q: string) => {
        const j = await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${at}`)).json() as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
        return j.data.result;
      };
      const recorded = one(await queryAt(ruled));
      const inc = await queryAt(`sum by (instance, outcome) (increase(outrider_slo_events_total{${sel}}[30d]))`);
      const incOf = (addr: string, outcome: string) => Number(inc.find((r) => r.metric.instance === addr && r.metric.outcome === outcome)!.value[1]);
      let bad = 0;
      let total = 0;
      [a!, b!].forEach((x, i) => {
        const f = (incOf(x.telemetryAddress, 'good') + incOf(x.telemetryAddress, 'bad')) / (count(i, 'good') + count(i, 'bad'));
        expect(incOf(x.telemetryAddress, 'bad') / count(i, 'bad')).toBeCloseTo(f, 12); // one factor per sidecar
        bad += f * count(i, 'bad');
        total += f * (count(i, 'good') + count(i, 'bad'));
      });
      expect(Math.abs(recorded - (1 - bad / total))).toBeLessThan(1e-9);
    } finally {
      prom.stop();
      await Promise.all([a!.stop(), b!.stop()]);
    }
  }, 60_000);
});

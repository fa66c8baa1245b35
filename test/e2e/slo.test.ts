// SLOs end to end: the real OTel SDK sends 5,000 requests at 0.5 % errors, then a burst of 1,000 at
// 20 %, over OTLP/gRPC to an in-process agent on a fake clock (minutes pass in microseconds). The
// SLO's numbers at /metrics and through the processor's API are the exact expected ones; the page
// tier turns on during the burst and off after it; the bad-event trace ids are the burst's.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import { SLO } from '../../processors/slo/api.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { checkoutApp } from '../kit/checkout-app.js';
import { tempDir } from '../kit/config.js';
import { FakeClock } from '../kit/fake-clock.js';

const MIN = 60_000;
const NAME = 'checkout-availability';

describe('slo e2e', () => {
  it('a 20 % burst after 5,000 requests at 0.5 %: exact SLIs, the page tier on during the burst and off after', async () => {
    const clock = new FakeClock();
    const agent = await Agent.start({ tree: {
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { slo: { objectives: [{ name: NAME, service: 'checkout', sli: 'availability', objective: 0.999, window: '30d' }] } },
      exporters: { nop: {} },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['slo'], exporters: ['nop'] } } },
    } }, { clock });
    const app = checkoutApp(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!, { 'http.route': '/pay' });
    const request = app.request;
    const slo = { api: agent.service(SLO)! }; // the slo service, as the admin API and alerting read it
    const metrics = async () => (await fetch(`http://${agent.telemetryAddress}/metrics`)).text();
    const sample = (text: string, name: string, window?: string) => {
      const m = new RegExp(`^${name}\\{slo="${NAME}",service="checkout"${window ? `,window="${window}"` : ''}\\} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : NaN;
    };
    const page = () => agent.service(SIGNALS)!.select('slo_alert', { slo: NAME, long_window: '1h' })[0]!.last(MIN)!;
    const budget = 1 - 0.999;
    try {
      // minutes 0-49: 100 requests a minute, every 200th fails (25 of 5,000 = 0.5 %)
      let n = 0;
      for (let minute = 0; minute < 50; minute++) {
        for (let i = 0; i < 100; i++) request(++n % 200 === 0);
        await app.flush();
        await clock.advance(MIN);
      }
      await clock.advance(5 * MIN); // minute 55
      let st = slo.api.get(NAME)!;
      expect([st.good, st.total]).toEqual([4975, 5000]);
      expect(st.burnRates['1h']).toBe(25 / 5000 / budget); // 5×: below every page factor
      expect(st.tiers.map((t) => t.firing)).toEqual([false, false, true, false]); // 1d & 2h at 3× opens a ticket
      expect(page()).toBe(0);
      // the burst, minute 55: 1,000 requests, every 5th fails
      const burstBad = new Set<string>();
      for (let i = 0; i < 1000; i++) {
        const bad = i % 5 === 4;
        const id = request(bad);
        if (bad) burstBad.add(id);
      }
      await app.flush();
      await clock.advance(10_000); // one evaluation_interval
      st = slo.api.get(NAME)!;
      expect([st.good, st.total]).toEqual([5775, 6000]);
      expect(st.windows['5m']).toEqual({ good: 800, total: 1000, sli: 0.8, burnRate: 200 / 1000 / budget });
      expect(st.burnRates['1h']).toBe(225 / 6000 / budget); // 37.5×
      expect(st.errorBudgetRemaining).toBe(1 - 225 / 6000 / budget);
      expect(st.tiers.map((t) => [t.severity, t.long, t.firing])).toEqual([['page', '1h', true], ['page', '6h', false], ['ticket', '1d', false], ['ticket', '3d', false]]);
      expect(page()).toBe(225 / 6000 / budget);
      const text = await metrics();
      expect(text).toMatch(new RegExp(`^outrider_slo_events_total\\{slo="${NAME}",service="checkout",outcome="good"\\} 5775$`, 'm'));
      expect(text).toMatch(new RegExp(`^outrider_slo_events_total\\{slo="${NAME}",service="checkout",outcome="bad"\\} 225$`, 'm'));
      expect(sample(text, 'outrider_slo_sli_ratio', '5m')).toBe(0.8);
      expect(sample(text, 'outrider_slo_sli_ratio', '30d')).toBe(5775 / 6000);
      expect(sample(text, 'outrider_slo_burn_rate', '1h')).toBe(225 / 6000 / budget);
      expect(sample(text, 'outrider_slo_error_budget_remaining_ratio')).toBe(1 - 225 / 6000 / budget);
      expect(sample(text, 'outrider_slo_objective_ratio')).toBe(0.999);
      const ids = slo.api.badTraceIds(NAME);
      expect(ids).toHaveLength(20);
      for (const id of ids) expect(burstBad.has(id)).toBe(true);
      // 5 minutes after the burst the 5m window is clean: the fast page tier turns off, the 6h & 30m page tier takes over
      await clock.advance(5 * MIN);
      st = slo.api.get(NAME)!;
      expect(st.burnRates['5m']).toBe(0);
      expect(st.tiers.map((t) => t.firing)).toEqual([false, true, false, false]);
      expect(page()).toBe(0);
    } finally {
      await app.shutdown();
      await agent.stop();
    }
  }, 20_000);
});

// Alerting end to end: the real OTel SDK sends traffic over OTLP/gRPC to an in-process agent on a
// fake clock (spanmetrics + slo); an error burst fires HighErrorRate within one evaluation
// interval and notifies two routes with links to the burst's traces, the SLO's page tier fires
// SLOBurnRate through its own route, and both resolve after the burst. Notifications go to a
// recording `notifiers` service.
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { ALERTING } from '../../agent/alerting/api.js';
import { once } from '../../agent/component.js';
import { NOTIFIERS } from '../../agent/notifiers/api.js';
import { defineService } from '../../agent/service.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { checkoutApp } from '../kit/checkout-app.js';
import { tempDir } from '../kit/config.js';
import { FakeClock } from '../kit/fake-clock.js';
import { notifierRecorder } from '../kit/notifier-recorder.js';

const S = 1000, MIN = 60_000;

describe('alerting e2e', () => {
  it('an error burst fires HighErrorRate and the SLO page tier, notifies their routes with the burst\'s trace links, and resolves after it', async () => {
    const clock = new FakeClock();
    const rec = notifierRecorder(['pagerduty/primary', 'slack/oncall', 'teams/dev'], ['pagerduty/primary'], () => clock.now());
    const notifiers = defineService('notifiers', 'notifiers', z.strictObject({}).prefault({}), () => ({ key: NOTIFIERS, api: rec, start: async () => {}, shutdown: once(async () => {}) }));
    const agent = await Agent.start({ tree: {
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { spanmetrics: {}, slo: { objectives: [{ name: 'checkout-availability', service: 'checkout', sli: 'availability', objective: 0.999, window: '30d' }] } },
      exporters: { nop: {} },
      alerting: {
        evaluation_interval: '15s', trace_url_template: 'https://jaeger.example.com/trace/{trace_id}', max_trace_links: 3,
        group_wait: '0s', group_interval: '1m',
        rules: [{ name: 'HighErrorRate', metric: 'span_error_ratio', labels: { service_name: 'checkout' }, window: '1m', operator: 'gt', threshold: 0.05, severity: 'critical',
          annotations: { summary: '{{ $labels.service_name }}: {{ $value | printf "%.2f" }} errors' } }],
        routes: [
          { match: { alertname: 'SLOBurnRate', tier: 'page' }, notifiers: ['teams/dev'] },
          { match: { severity: 'critical' }, notifiers: ['pagerduty/primary'], continue: true },
          { match: { severity: 'critical' }, notifiers: ['slack/oncall'] },
        ],
      },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['spanmetrics', 'slo'], exporters: ['nop'] } } },
    } }, { clock, factories: [notifiers] });
    const app = checkoutApp(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!);
    const request = app.request;
    const alerting = agent.service(ALERTING)!;
    try {
      for (let minute = 0; minute < 5; minute++) { // healthy traffic: nothing fires
        for (let i = 0; i < 100; i++) request(false);
        await app.flush();
        await clock.advance(MIN);
      }
      expect(alerting.alerts()).toEqual([]);
      const burst = new Set<string>();
      for (let i = 0; i < 200; i++) { const bad = i % 5 === 4; const id = request(bad); if (bad) burst.add(id); }
      await app.flush();
      await clock.advance(15 * S); // one evaluation interval
      const firing = alerting.alerts({ state: 'firing' });
      expect(firing.map((a) => a.name).sort()).toEqual(['HighErrorRate', 'SLOBurnRate']);
      const high = firing.find((a) => a.name === 'HighErrorRate')!;
      expect(high).toMatchObject({ severity: 'critical', labels: { service_name: 'checkout' }, annotations: { summary: expect.stringMatching(/^checkout: 0\.\d\d errors$/) } });
      const slo = firing.find((a) => a.name === 'SLOBurnRate')!;
      expect(slo.labels).toMatchObject({ slo: 'checkout-availability', service: 'checkout', tier: 'page', long_window: '1h', short_window: '5m', severity: 'critical' });

      await clock.advance(1); // group_wait 0s: the groups flush
      const trig = rec.sent.filter((n) => n.action === 'trigger');
      expect(trig.filter((n) => n.alerts[0]!.name === 'HighErrorRate').map((n) => n.notifier).sort()).toEqual(['pagerduty/primary', 'slack/oncall']);
      expect(trig.filter((n) => n.alerts[0]!.name === 'SLOBurnRate').map((n) => n.notifier)).toEqual(['teams/dev']);
      for (const n of trig) {
        const traces = n.alerts[0]!.traces;
        expect(traces.length).toBeGreaterThan(0);
        for (const t of traces) {
          expect(burst.has(t.traceId)).toBe(true);
          expect(t.url).toBe(`https://jaeger.example.com/trace/${t.traceId}`);
        }
      }

      for (let minute = 0; minute < 8; minute++) { // the burst is over: healthy traffic again
        for (let i = 0; i < 100; i++) request(false);
        await app.flush();
        await clock.advance(MIN);
      }
      expect(alerting.alert(high.id)!.state).toBe('resolved');
      expect(alerting.alert(slo.id)!.state).toBe('resolved');
      const resolves = rec.sent.filter((n) => n.action === 'resolve').map((n) => `${n.notifier}:${n.alerts[0]!.name}`).sort();
      expect(resolves).toEqual(['pagerduty/primary:HighErrorRate', 'slack/oncall:HighErrorRate']);
      // the SLO group stays open: as the 1h/5m tier ends, the slower 6h/30m page tier takes over in the same group
      const teams = rec.to('teams/dev');
      expect(teams.at(-1)!.alerts.map((a) => [a.labels.long_window, a.status])).toEqual([['6h', 'firing'], ['1h', 'resolved']]);
    } finally {
      await app.shutdown();
      await agent.stop();
    }
  }, 30_000);
});

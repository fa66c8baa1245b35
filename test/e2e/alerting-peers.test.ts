// The agent's alerts reach real peers through the real notifiers service:
// - an OTel SDK error burst (fake clock) fires HighErrorRate and the SLO page tier; Slack, PagerDuty
//   and Teams stand-ins, each holding every field to its documented format, get the triggers with
//   the burst's trace links, then the resolves;
// - a firing alert reaches a real Alertmanager (listed active at /api/v2/alerts, then resolved) and
//   a real SMTP server (subject and body), in real time.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { ALERTING } from '../../agent/alerting/api.js';
import type { OtlpReceiver } from '../../receivers/otlp/otlp.js';
import { startAlertmanager } from '../kit/alertmanager.js';
import { checkoutApp } from '../kit/checkout-app.js';
import { tempDir } from '../kit/config.js';
import { FakeClock } from '../kit/fake-clock.js';
import { startPagerduty } from '../kit/saas/pagerduty.js';
import { SLACK_HOOK_PATH, startSlack } from '../kit/saas/slack.js';
import { startTeamsWorkflow } from '../kit/saas/teams.js';
import { readMime, startSmtpServer } from '../kit/smtp.js';
import { until } from '../kit/until.js';

const S = 1000, MIN = 60_000;
const KEY = 'R0123456789abcdefABCDEF012345678';
// sends may not time out while the fake clock jumps minutes; retries come quickly
const delivery = { timeout: '1h', retry: { initial_interval: '1s', max_interval: '2s' } };

describe('alerting with real peers', () => {
  it('an SDK error burst: Slack, PagerDuty and Teams get triggers with the burst\'s trace links in their documented formats, then the resolves', async () => {
    const [slack, pd, teams] = await Promise.all([startSlack(), startPagerduty(), startTeamsWorkflow()]);
    const clock = new FakeClock();
    const agent = await Agent.start({ tree: {
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      processors: { spanmetrics: {}, slo: { objectives: [{ name: 'checkout-availability', service: 'checkout', sli: 'availability', objective: 0.999, window: '30d' }] } },
      exporters: { nop: {} },
      notifiers: {
        'slack/oncall': { webhook_url: `${slack.url}${SLACK_HOOK_PATH}`, ...delivery },
        'pagerduty/primary': { routing_key: KEY, events_url: `${pd.url}/v2/enqueue`, ...delivery },
        'teams/dev': { webhook_url: teams.url, ...delivery },
      },
      alerting: {
        evaluation_interval: '15s', trace_url_template: 'https://jaeger.example.com/trace/{trace_id}', max_trace_links: 3,
        group_wait: '0s', group_interval: '1m',
        rules: [{ name: 'HighErrorRate', metric: 'span_error_ratio', labels: { service_name: 'checkout' }, window: '1m', operator: 'gt', threshold: 0.05, severity: 'critical',
          annotations: { summary: '{{ $labels.service_name }}: {{ $value | printf "%.2f" }} errors', runbook_url: 'https://runbooks.example.com/HighErrorRate' } }],
        routes: [
          { match: { alertname: 'SLOBurnRate', tier: 'page' }, notifiers: ['teams/dev'] },
          { match: { severity: 'critical' }, notifiers: ['pagerduty/primary'], continue: true },
          { match: { severity: 'critical' }, notifiers: ['slack/oncall'] },
        ],
      },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], processors: ['spanmetrics', 'slo'], exporters: ['nop'] } } },
    } }, { clock });
    const app = checkoutApp(agent.component<OtlpReceiver>('receiver', 'otlp')!.endpoints.grpc!);
    const request = app.request;
    /** Lets the delivery loop run: small steps of the fake clock while real HTTP completes. */
    const deliver = (cond: () => boolean, what: string) => until(async () => { await clock.advance(100); return cond(); }, 20_000, what);
    try {
      for (let minute = 0; minute < 5; minute++) {
        for (let i = 0; i < 100; i++) request(false);
        await app.flush();
        await clock.advance(MIN);
      }
      const burst = new Set<string>();
      for (let i = 0; i < 200; i++) { const bad = i % 5 === 4; const id = request(bad); if (bad) burst.add(id); }
      await app.flush();
      await clock.advance(15 * S); // one evaluation interval
      expect(agent.service(ALERTING)!.alerts({ state: 'firing' }).map((a) => a.name).sort()).toEqual(['HighErrorRate', 'SLOBurnRate']);
      await deliver(() => slack.accepted().length >= 1 && pd.accepted().length >= 1 && teams.requests.length >= 1, 'the three triggers');

      const links = (raw: string) => [...raw.matchAll(/https:\/\/jaeger\.example\.com\/trace\/([0-9a-f]{32})/g)].map((m) => m[1]!);
      const pdTrigger = pd.accepted()[0]!.body as { event_action: string; dedup_key: string; payload: { severity: string; summary: string } };
      expect(pdTrigger).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical' } });
      expect(pdTrigger.payload.summary).toMatch(/HighErrorRate/);
      for (const raw of [slack.accepted()[0]!.raw, pd.accepted()[0]!.raw, teams.requests[0]!.raw]) {
        const ids = links(raw);
        expect(ids.length).toBeGreaterThan(0);
        for (const id of ids) expect(burst.has(id)).toBe(true);
      }
      expect(slack.accepted()[0]!.raw).toContain('https://runbooks.example.com/HighErrorRate');
      expect(teams.requests[0]!.raw).toMatch(/SLOBurnRate/);

      for (let minute = 0; minute < 8; minute++) { // the burst is over
        for (let i = 0; i < 100; i++) request(false);
        await app.flush();
        await clock.advance(MIN);
      }
      await deliver(() => pd.accepted().length >= 2 && slack.accepted().length >= 2, 'the resolves');
      const pdEvents = pd.accepted().map((r) => r.body as { event_action: string; dedup_key: string });
      expect(pdEvents.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
      expect(pdEvents[1]!.dedup_key).toBe(pdEvents[0]!.dedup_key);
      expect(slack.accepted().at(-1)!.raw).toMatch(/RESOLVED|resolved/);
      // every request held to its service's documented format
      expect([...slack.problems(), ...pd.problems(), ...teams.requests.flatMap((r) => r.problems)]).toEqual([]);
    } finally {
      await app.shutdown();
      await agent.stop();
      await Promise.all([slack.close(), pd.close(), teams.close()]);
    }
  }, 60_000);

  it('a firing alert of the agent reaches a real Alertmanager and a real SMTP server; its resolve too', async () => {
    const am = await startAlertmanager();
    const smtp = await startSmtpServer({ username: 'alerts', password: 's3cret' });
    const agent = await Agent.start({ tree: {
      storage: { path: join(tempDir(), 'outrider.db') },
      receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } },
      exporters: { nop: {} },
      notifiers: {
        'alertmanager/central': { url: am.url, resend_interval: '30s', ...delivery, timeout: '5s' },
        'email/team': { smtp: { host: smtp.host, port: smtp.port, username: 'alerts', password: 's3cret', tls: { ca_file: smtp.caFile } }, from: 'alerts@example.com', to: ['team@example.com'], ...delivery, timeout: '10s' },
      },
      alerting: { evaluation_interval: '1s', group_wait: '0s', group_interval: '1s', routes: [{ match: { severity: 'critical' }, notifiers: ['alertmanager/central', 'email/team'] }] },
      service: { telemetry: { endpoint: '127.0.0.1:0', logs: { level: 'warn' } }, pipelines: { traces: { receivers: ['otlp'], exporters: ['nop'] } } },
    } });
    try {
      const alerting = agent.service(ALERTING)!;
      const alert = alerting.trigger({ name: 'DiskFull', severity: 'critical', labels: { service_name: 'checkout' }, annotations: { summary: 'checkout: disk 97 % full' } }, 'test');
      await until(async () => (await am.alerts()).some((a) => a.labels.alertname === 'DiskFull' && a.status.state === 'active'), 20_000, 'Alertmanager lists the alert active');
      const listed = (await am.alerts()).find((a) => a.labels.alertname === 'DiskFull')!;
      expect(listed.labels).toMatchObject({ service_name: 'checkout', severity: 'critical' });
      expect(listed.annotations.summary).toBe('checkout: disk 97 % full');
      await until(() => smtp.mails.length >= 1, 20_000, 'the firing mail');
      const mail = readMime(smtp.mails[0]!.raw);
      expect(mail.headers.subject).toMatch(/^\[FIRING:1\] DiskFull/);
      expect(mail.parts.map((p) => p.contentType.split(';')[0])).toEqual(['text/plain', 'text/html']);
      expect(mail.parts[0]!.body).toContain('checkout: disk 97 % full');
      expect(smtp.mails[0]!.secure).toBe(true);

      alerting.resolve(alert.id, 'test');
      // Alertmanager lists only alerts whose endsAt is still ahead: the resolved one is gone
      await until(async () => !(await am.alerts()).some((a) => a.labels.alertname === 'DiskFull'), 20_000, 'Alertmanager shows it resolved');
      await until(() => smtp.mails.length >= 2, 20_000, 'the resolved mail');
      expect(readMime(smtp.mails[1]!.raw).headers.subject).toMatch(/^\[RESOLVED\] DiskFull/);
    } finally {
      await agent.stop();
      await am.stop();
      await smtp.close();
    }
  }, 60_000);
});

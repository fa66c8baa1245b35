// No lost and no duplicate pages, with the whole agent: an alert fires (triggered through the admin
// API) while PagerDuty and a signed webhook are down; its resolve is queued behind the trigger; after
// 60 s of outage the agent is killed with SIGKILL, both notifications still pending. Restarted on
// the same database with both services back, it delivers exactly one trigger and one resolve to each.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnAgent, waitFor200, type AgentProcess } from '../kit/agent-process.js';
import { tempDir } from '../kit/config.js';
import { freePort } from '../kit/ports.js';
import { startPagerduty } from '../kit/saas/pagerduty.js';
import type { SaasServer } from '../kit/saas/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../kit/saas/standard-webhooks.js';
import { until } from '../kit/until.js';

const KEY = 'R0123456789abcdefABCDEF012345678';
const TOKEN = 'admin-token-0123456789abcdef';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const OUTAGE_MS = 60_000;
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

describe('alerting crash', () => {
  const procs: AgentProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) p.child.kill('SIGKILL');
    for (const c of closers.splice(0)) await c();
  });

  it('notifiers down for 60 s, kill -9 with trigger and resolve pending: after a restart exactly one trigger and one resolve arrive', async () => {
    const dir = tempDir();
    const [grpc, tel, admin, pdPort, hookPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const config = join(dir, 'outrider.yaml');
    writeFileSync(config, `
storage: { path: ${join(dir, 'outrider.db')} }
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:${grpc}" } } } }
exporters: { nop: {} }
notifiers:
  pagerduty/primary: { routing_key: ${KEY}, events_url: "http://127.0.0.1:${pdPort}/v2/enqueue", retry: { initial_interval: 1s, max_interval: 2s, max_elapsed_time: 10m } }
  webhook/ops: { url: "http://127.0.0.1:${hookPort}/hook", secret: "${SECRET}", retry: { initial_interval: 1s, max_interval: 2s, max_elapsed_time: 10m } }
alerting:
  evaluation_interval: 1s
  group_wait: 0s
  group_interval: 1s
  routes:
    - { match: { severity: critical }, notifiers: [pagerduty/primary, webhook/ops] }
admin: { endpoint: "127.0.0.1:${admin}", token: "${TOKEN}" }
service:
  telemetry: { endpoint: "127.0.0.1:${tel}", logs: { level: warn } }
  pipelines: { traces: { receivers: [otlp], exporters: [nop] } }
`);
    const start = async () => {
      const p = spawnAgent(['run', '--config', config]);
      procs.push(p);
      await waitFor200(`http://127.0.0.1:${tel}/readyz`, 20_000, p);
      return p;
    };
    const api = (path: string, body?: unknown) => fetch(`http://127.0.0.1:${admin}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
    });
    const retried = async (notifier: string) => {
      const text = await (await fetch(`http://127.0.0.1:${tel}/metrics`)).text();
      return Number(new RegExp(`outrider_notifications_total\\{(?=[^}]*notifier="${notifier}")(?=[^}]*outcome="retried")[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };

    // both services are down (nothing listens on their ports)
    const first = await start();
    const t0 = Date.now();
    const fired = await api('/api/alerts', { name: 'DiskFull', severity: 'critical', labels: { service_name: 'checkout' }, annotations: { summary: 'checkout: disk full' } });
    expect(fired.status).toBe(201);
    const alert = await fired.json() as { id: string; state: string };
    expect(alert.state).toBe('firing');
    await until(async () => (await retried('pagerduty/primary')) > 0 && (await retried('webhook/ops')) > 0, 20_000, 'both triggers retried');
    // half-way through the outage the alert is resolved by hand: the resolve queues behind the trigger
    await sleepUntil(t0 + OUTAGE_MS / 2);
    expect((await api(`/api/alerts/${alert.id}/resolve`)).status).toBe(200);
    await sleepUntil(t0 + OUTAGE_MS);
    expect(await retried('pagerduty/primary')).toBeGreaterThan(10);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    // both services come back; the agent restarts on the same database
    const pd: SaasServer = await startPagerduty(pdPort);
    closers.push(() => pd.close());
    const hook: WebhookReceiver = await startWebhookReceiver(SECRET, hookPort);
    closers.push(() => hook.close());
    const second = await start();
    await until(() => pd.accepted().length >= 2 && hook.received.length >= 2, 30_000, 'trigger and resolve delivered');
    // a few more delivery rounds: nothing else arrives
    await new Promise((r) => setTimeout(r, 3000));
    expect(pd.problems()).toEqual([]);
    const events = pd.accepted().map((r) => r.body as { event_action: string; dedup_key: string });
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]!.dedup_key).toBe(events[1]!.dedup_key);
    expect(hook.received.map((r) => r.failure)).toEqual([undefined, undefined]);
    expect(hook.received.map((r) => [r.body.type, r.body.status])).toEqual([['alert.trigger', 'firing'], ['alert.resolve', 'resolved']]);
    expect(hook.received.some((r) => r.duplicate)).toBe(false);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 150_000);
});

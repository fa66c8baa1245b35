// The outbox survives kill -9: PagerDuty is down while a trigger and its resolve are queued and
// retried; the process is killed with SIGKILL mid-retry; a new process on the same database, with
// PagerDuty back, delivers exactly one trigger and one resolve, in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../kit/config.js';
import { notificationFor } from '../kit/fake-notifier.js';
import { startPagerduty } from '../kit/saas/pagerduty.js';
import type { SaasServer } from '../kit/saas/server.js';
import { until } from '../kit/until.js';

const CHILD = fileURLToPath(new URL('../../dist/test/kit/notifier-child.js', import.meta.url));
const KEY = 'R0123456789abcdefABCDEF012345678';

function run(db: string, section: object, queue: object[] = []): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, [CHILD, db, JSON.stringify(section), JSON.stringify(queue)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { out += c; });
  return { child, out: () => out };
}

describe('notifier outbox crash', () => {
  const children: ChildProcess[] = [];
  const servers: SaasServer[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const s of servers.splice(0)) await s.close();
  });

  it('kill -9 while PagerDuty is down: after a restart exactly one trigger and one resolve arrive', async () => {
    const down = await startPagerduty();
    servers.push(down);
    down.failNext(1_000_000, { status: 503, body: { status: 'unavailable' } });
    const db = join(tempDir(), 'outrider.db');
    const section = (url: string) => ({ 'pagerduty/primary': { routing_key: KEY, events_url: `${url}/v2/enqueue`, retry: { initial_interval: '20ms', max_interval: '50ms' } } });
    const first = run(db, section(down.url), [notificationFor('pagerduty/primary', 'checkout', 'trigger'), notificationFor('pagerduty/primary', 'checkout', 'resolve')]);
    children.push(first.child);
    await until(() => first.out().includes('queued'), 15_000, `the first process to queue (output: ${first.out()})`);
    await until(() => down.requests.length >= 5, 15_000, 'retries against the failing endpoint');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('close', r));
    expect(down.accepted()).toEqual([]);

    const up = await startPagerduty();
    servers.push(up);
    const second = run(db, section(up.url));
    children.push(second.child);
    await until(() => up.accepted().length >= 2, 15_000, `delivery after the restart (output: ${second.out()})`);
    // what the restarted process had to send is all sent: wait a few of its retry periods for strays
    await new Promise((r) => setTimeout(r, 150));
    expect(up.problems()).toEqual([]);
    expect(up.requests.map((r) => (r.body as { event_action: string }).event_action)).toEqual(['trigger', 'resolve']);
    expect(new Set(up.requests.map((r) => (r.body as { dedup_key: string }).dedup_key)).size).toBe(1);
  });
});

// The teams notifier against a local Workflows stand-in that checks every field of the card.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { resolvedOf, sampleAlert, sampleNotification } from '../../test/kit/sample-notification.js';
import { startTeamsWorkflow, teamsMessageProblems, type TeamsWorkflow } from '../../test/kit/saas/teams.js';
import { teamsNotifierFactory } from './index.js';
import { teamsBody } from './card.js';

describe('teams notifier', () => {
  let wf: TeamsWorkflow;
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 10, 0));
  beforeAll(async () => { wf = await startTeamsWorkflow(); });
  afterAll(async () => { await wf.close(); });

  const notifier = () => teamsNotifierFactory.create({ id: 'teams/dev', logger: pino({ level: 'silent' }), clock },
    teamsNotifierFactory.parse({ webhook_url: wf.url }));
  const signal = () => new AbortController().signal;

  it('posts a firing Adaptive Card that meets the Workflows format; 202 is sent', async () => {
    const result = await notifier().send(sampleNotification(), signal());
    const req = wf.requests.at(-1)!;
    expect(req.problems).toEqual([]);
    expect(result).toEqual({ outcome: 'sent' });
    const card = req.body.attachments[0].content;
    expect(card.version).toBe('1.4');
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: '[FIRING:2] HighErrorRate checkout (critical)', color: 'Attention' });
    expect(card.body[1].facts).toEqual(expect.arrayContaining([{ title: 'Severity', value: 'critical' }, { title: 'Status', value: 'firing' }]));
    expect(JSON.stringify(card.body)).toContain('checkout error ratio above 5%');
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Runbook', url: 'https://runbooks.example.com/high-error-rate' },
      { type: 'Action.OpenUrl', title: 'Trace 4bf92f35', url: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736' },
      { type: 'Action.OpenUrl', title: 'Trace 0af76519', url: 'https://jaeger.example.com/trace/0af7651916cd43dd8448eb211c80319c' },
    ]);
  });

  it('posts a resolved card coloured Good', async () => {
    const n = resolvedOf(sampleNotification(), Date.UTC(2026, 0, 2, 3, 9, 0));
    expect(await notifier().send(n, signal())).toEqual({ outcome: 'sent' });
    const req = wf.requests.at(-1)!;
    expect(req.problems).toEqual([]);
    expect(req.body.attachments[0].content.body[0]).toMatchObject({ text: '[RESOLVED] HighErrorRate checkout (critical)', color: 'Good' });
    expect(JSON.stringify(req.body)).toContain('2026-01-02T03:09:00.000Z');
  });

  it('429 with Retry-After is a retry after that many ms (seconds and HTTP date)', async () => {
    wf.script({ status: 429, headers: { 'retry-after': '7' }, body: 'Rate limit is exceeded' });
    expect(await notifier().send(sampleNotification(), signal())).toEqual({ outcome: 'retry', detail: 'HTTP 429: Rate limit is exceeded', retryAfterMs: 7000 });
    wf.script({ status: 429, headers: { 'retry-after': new Date(clock.now() + 30_000).toUTCString() } });
    expect(await notifier().send(sampleNotification(), signal())).toMatchObject({ outcome: 'retry', retryAfterMs: 30_000 });
  });

  it('5xx and 408 are retries; 400 and 404 are rejected with the service answer; a closed port is a retry', async () => {
    wf.script({ status: 502, body: 'Bad Gateway' }, { status: 408 }, { status: 400, body: '{"error":{"code":"TriggerInputSchemaMismatch"}}' }, { status: 404, body: 'WorkflowNotFound' });
    const n = notifier();
    expect(await n.send(sampleNotification(), signal())).toEqual({ outcome: 'retry', detail: 'HTTP 502: Bad Gateway' });
    expect(await n.send(sampleNotification(), signal())).toEqual({ outcome: 'retry', detail: 'HTTP 408' });
    expect(await n.send(sampleNotification(), signal())).toEqual({ outcome: 'rejected', detail: 'HTTP 400: {"error":{"code":"TriggerInputSchemaMismatch"}}' });
    expect(await n.send(sampleNotification(), signal())).toEqual({ outcome: 'rejected', detail: 'HTTP 404: WorkflowNotFound' });
    const down = teamsNotifierFactory.create({ id: 'teams/down', logger: pino({ level: 'silent' }), clock }, teamsNotifierFactory.parse({ webhook_url: 'http://127.0.0.1:1/hook' }));
    expect(await down.send(sampleNotification(), signal())).toMatchObject({ outcome: 'retry', detail: expect.stringContaining('network error') });
  });

  it('many alerts: the card names how many more there are and stays under the Teams size limit', async () => {
    const alerts = Array.from({ length: 200 }, (_, i) => sampleAlert({ id: `id${i}`, labels: { alertname: 'HighErrorRate', pod: `checkout-${i}`, note: 'x'.repeat(300) } }));
    const n = sampleNotification({ alerts });
    expect(await notifier().send(n, signal())).toEqual({ outcome: 'sent' });
    const req = wf.requests.at(-1)!;
    expect(req.problems).toEqual([]);
    expect(req.raw).toMatch(/and 19\d more alert\(s\)/);
  });

  it('the validator refuses what Teams would not render', () => {
    const good = JSON.parse(teamsBody(sampleNotification(), { maxAlerts: 10, maxTraceLinks: 3 }));
    expect(teamsMessageProblems(JSON.stringify(good))).toEqual([]);
    const bad = structuredClone(good);
    bad.attachments[0].contentUrl = undefined;
    bad.attachments[0].content.version = '2.0';
    bad.attachments[0].content.body[0].color = 'Red';
    bad.attachments[0].content.actions[0].url = 'javascript:alert(1)';
    expect(teamsMessageProblems(JSON.stringify(bad))).toEqual([
      'attachments[0].contentUrl: must be null',
      "content.version: '2.0' is not a version Teams renders (1.0–1.5)",
      "content.body[0].color: 'Red' is not a colour",
      'content.actions[0].url: must be an absolute http(s) URL',
    ]);
  });

  it('config: the webhook URL is required, a secret, and must be http(s)', () => {
    expect(teamsNotifierFactory.validate({})).toEqual([{ path: 'webhook_url', message: expect.stringContaining('required') }]);
    expect(teamsNotifierFactory.validate({ webhook_url: 'ftp://x' })).toEqual([{ path: 'webhook_url', message: 'must be an absolute http:// or https:// URL' }]);
    expect(teamsNotifierFactory.secrets).toEqual(['webhook_url']);
    expect(teamsNotifierFactory.createDefaultConfig()).toEqual({ webhook_url: '', max_alerts: 10, max_trace_links: 3 });
    expect(notifier().acknowledges).toBe(false);
  });
});

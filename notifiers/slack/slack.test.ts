// Slack: the message holds to the documented format (checked by a local webhook), and the notifier
// with the outbox honours 429 Retry-After, retries 5xx, never retries a refused payload, and keeps 1/s.
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../agent/alerting/model.js';
import { notificationFor } from '../../test/kit/fake-notifier.js';
import { notifierHarness, type NotifierHarness } from '../../test/kit/saas/harness.js';
import type { SaasServer } from '../../test/kit/saas/server.js';
import { SLACK_HOOK_PATH, slackRateLimited, startSlack, validateSlackMessage } from '../../test/kit/saas/slack.js';
import { SLACK_COLORS, slackMessage } from './format.js';
import { slackNotifierFactory } from './index.js';

const full = (n: Omit<Notification, 'id' | 'createdAt'>): Notification => ({ ...n, id: 'n-1', createdAt: Date.UTC(2026, 0, 1, 0, 5) });

describe('slack message format', () => {
  it('a firing group: fallback text, header, summary, fields, runbook and trace links, severity colour', () => {
    const msg = slackMessage(full(notificationFor('slack/oncall', 'checkout'))) as any;
    expect(validateSlackMessage(msg)).toEqual([]);
    expect(msg.text).toContain('[FIRING:1] HighErrorRate service_name=checkout');
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('<https://runbooks.example.com/high-error-rate|Runbook>');
    expect(all).toContain('<https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736|Trace 4bf92f35>');
    expect(msg.attachments[0]).toMatchObject({ color: SLACK_COLORS.critical, footer: 'Outrider', ts: Date.UTC(2026, 0, 1, 0, 5) / 1000 });
  });

  it('a resolved group is green and says resolved', () => {
    const msg = slackMessage(full(notificationFor('slack/oncall', 'checkout', 'resolve'))) as any;
    expect(validateSlackMessage(msg)).toEqual([]);
    expect(msg.text).toContain('[RESOLVED]');
    expect(msg.attachments[0].color).toBe(SLACK_COLORS.resolved);
  });

  it('stays within Block Kit limits for long texts, many alerts and characters mrkdwn must escape', () => {
    const n = full(notificationFor('slack/oncall', 'checkout'));
    n.commonAnnotations = { summary: `<b>&${'x'.repeat(5000)}`, description: 'y'.repeat(5000) };
    n.groupLabels = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`label_${i}`, 'v'.repeat(3000)]));
    n.alerts = Array.from({ length: 200 }, (_, i) => ({ ...n.alerts[0]!, id: `a${i}`, traces: [{ traceId: `${i}`.padStart(32, '0'), url: `https://jaeger.example.com/trace/${i}` }] }));
    expect(validateSlackMessage(slackMessage(n))).toEqual([]);
  });

  it('the validator catches what Slack refuses', () => {
    expect(validateSlackMessage({ blocks: [] })).toEqual(expect.arrayContaining(['$.text: missing', '$.blocks: fewer than 1 items']));
    expect(validateSlackMessage({ text: 'a', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x'.repeat(151) } }] })).toHaveLength(2);
    expect(validateSlackMessage({ text: 'a <b> c', attachments: [{ color: 'red', fallback: 'a' }] })).toHaveLength(2);
  });
});

describe('slack notifier against a local webhook', () => {
  let slack: SaasServer;
  let h: NotifierHarness;
  const start = async (extra: Record<string, unknown> = {}) => {
    slack = await startSlack();
    h = await notifierHarness([slackNotifierFactory], { 'slack/oncall': { webhook_url: `${slack.url}${SLACK_HOOK_PATH}`, ...extra } }, { random: () => 0 });
  };
  const row = () => h.hub.outboxRows()[0]!;
  afterEach(async () => { await h?.stop(); await slack?.close(); });

  it('delivers a trigger and its resolve, each once, in order, every field valid', async () => {
    await start();
    h.hub.enqueue(notificationFor('slack/oncall', 'checkout'));
    h.hub.enqueue(notificationFor('slack/oncall', 'checkout', 'resolve'));
    await h.advance(0);
    await h.waitFor(() => h.hub.stats()[0]!.sent === 1, 'the trigger');
    await h.advance(1_000);
    await h.waitFor(() => h.hub.stats()[0]!.sent === 2, 'the resolve');
    expect(slack.problems()).toEqual([]);
    expect(slack.accepted().map((r) => (r.body as { text: string }).text.slice(0, 12))).toEqual(['🔥 [FIRING:1', '✅ [RESOLVED]']);
  });

  it('waits for Retry-After after a 429, then delivers', async () => {
    await start();
    slack.failNext(1, slackRateLimited(3));
    h.hub.enqueue(notificationFor('slack/oncall', 'checkout'));
    await h.advance(0);
    await h.waitFor(() => row().state === 'pending' && row().attempts === 1, 'the 429 to be recorded');
    expect(row().lastError).toContain('HTTP 429');
    await h.advance(2_999);
    expect(row().attempts).toBe(1);
    await h.advance(1);
    await h.waitFor(() => row().state === 'sent', 'the retry');
    expect(slack.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(slack.problems()).toEqual([]);
  });

  it('retries 5xx with backoff and counts the retries', async () => {
    await start();
    slack.failNext(2, { status: 503, body: 'service unavailable' });
    h.hub.enqueue(notificationFor('slack/oncall', 'checkout'));
    await h.advance(0);
    // random() = 0: each backoff is 0, the min interval (1 s) spaces the attempts
    for (let i = 0; i < 3 && row().state !== 'sent'; i++) {
      await h.waitFor(() => row().state !== 'sending', 'an answer');
      await h.advance(1_000);
    }
    await h.waitFor(() => row().state === 'sent', 'delivery');
    expect(slack.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(await h.settings.render()).toContain('outrider_notifications_total{notifier="slack/oncall",outcome="retried"} 2');
  });

  it('does not retry a payload Slack refuses, and keeps the webhook URL out of the record', async () => {
    await start();
    slack.failNext(1, { status: 400, body: `invalid_payload for ${slack.url}${SLACK_HOOK_PATH}` });
    h.hub.enqueue(notificationFor('slack/oncall', 'checkout'));
    await h.advance(0);
    await h.waitFor(() => row().state === 'rejected', 'the refusal');
    await h.advance(3_600_000);
    expect(slack.requests).toHaveLength(1);
    expect(row().lastError).toBe('HTTP 400: invalid_payload for <redacted>');
    expect(h.hub.channels()[0]!.config).toEqual({ webhook_url: '<redacted>' });
  });

  it('sends at most one message per second to a webhook', async () => {
    await start();
    for (const g of ['a', 'b', 'c']) h.hub.enqueue(notificationFor('slack/oncall', g));
    await h.advance(0);
    await h.waitFor(() => h.hub.stats()[0]!.sent === 1, 'the first');
    await h.advance(999);
    expect(h.hub.stats()[0]).toMatchObject({ sent: 1, pending: 2 });
    await h.advance(1);
    await h.waitFor(() => h.hub.stats()[0]!.sent === 2, 'the second');
    await h.advance(1_000);
    await h.waitFor(() => h.hub.stats()[0]!.sent === 3, 'the third');
    expect(slack.problems()).toEqual([]);
  });
});

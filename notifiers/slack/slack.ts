// The `slack` notifier: one incoming-webhook message per notification; Slack answers `ok`, or a
// plain-text error code (permanent), or 429 with Retry-After.
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierSettings, SendResult } from '../../agent/notifiers/api.js';
import { postJson } from '../../agent/notifiers/http.js';
import type { SlackConfig } from './config.js';
import { slackMessage } from './format.js';

export class SlackNotifier implements Notifier {
  readonly id: string;
  readonly minIntervalMs: number;
  readonly acknowledges = false;

  constructor(private readonly settings: NotifierSettings, private readonly config: SlackConfig) {
    this.id = settings.id;
    this.minIntervalMs = config.min_interval;
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    return postJson(this.config.webhook_url, slackMessage(n), { signal, now: () => this.settings.clock.now() });
  }

  async close(): Promise<void> {}
}

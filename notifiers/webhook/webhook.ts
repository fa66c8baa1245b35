// The `webhook` notifier: posts the notification as JSON, signed per Standard Webhooks v1.
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierSettings, SendResult } from '../../agent/notifiers/api.js';
import { postForResult } from '../../agent/notifiers/http-post.js';
import type { WebhookConfig } from './config.js';
import { webhookPayload } from './payload.js';
import { decodeWebhookSecret, standardWebhookHeaders } from './signature.js';

/** One `webhook/<name>` instance. */
export class WebhookNotifier implements Notifier {
  readonly id: string;
  readonly minIntervalMs = 0;
  /** Acknowledge notifications are delivered too (`type: alert.acknowledge`): the receiver decides. */
  readonly acknowledges = true;
  private readonly key: Buffer;

  constructor(private readonly settings: NotifierSettings, private readonly config: WebhookConfig) {
    this.id = settings.id;
    const { key, problem } = decodeWebhookSecret(config.secret);
    if (!key) throw new Error(`notifiers.${settings.id}: secret ${problem}`);
    this.key = key;
  }

  /**
   * Signs and posts `n`. `webhook-id` is the notification's outbox id, the same on every retry, so
   * receivers can drop repeats; `webhook-timestamp` is this attempt's time (seconds).
   */
  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const body = JSON.stringify(webhookPayload(n, this.config.max_alerts));
    const timestampS = Math.floor(this.settings.clock.now() / 1000);
    const headers = { ...this.config.headers, ...standardWebhookHeaders(this.key, n.id, timestampS, body) };
    const result = await postForResult(this.config.url, body, { headers, signal, clock: this.settings.clock });
    if (result.outcome === 'rejected' && result.detail.startsWith('HTTP 410')) {
      return { outcome: 'rejected', detail: `${result.detail} (410 Gone: the receiver asks to stop sending; remove or fix this notifier)` };
    }
    return result;
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open
  }
}

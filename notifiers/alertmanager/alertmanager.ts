// The `alertmanager` notifier: posts a notification's alerts to Alertmanager's `/api/v2/alerts`,
// asking the notifier service to re-send firing ones every `resend_interval` before they expire.
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierSettings, SendResult } from '../../agent/notifiers/api.js';
import { postForResult } from '../../agent/notifiers/http-post.js';
import type { AlertmanagerConfig } from './config.js';
import { postableAlerts } from './postable-alerts.js';

/** One `alertmanager/<name>` instance. */
export class AlertmanagerNotifier implements Notifier {
  readonly id: string;
  readonly minIntervalMs = 0;
  /** Re-send firing alerts this often; each send moves their `endsAt` 4 intervals ahead. */
  readonly refreshIntervalMs: number;
  /** An acknowledgement re-posts the alerts with `acknowledged_*` annotations, which Alertmanager shows. */
  readonly acknowledges = true;
  private readonly endpoint: string;
  private readonly headers: Record<string, string> = {};

  constructor(private readonly settings: NotifierSettings, private readonly config: AlertmanagerConfig) {
    this.id = settings.id;
    this.refreshIntervalMs = config.resend_interval;
    this.endpoint = `${config.url.replace(/\/+$/, '')}/api/v2/alerts`;
    if (config.basic_auth) {
      this.headers.authorization = `Basic ${Buffer.from(`${config.basic_auth.username}:${config.basic_auth.password}`).toString('base64')}`;
    } else if (config.bearer_token) {
      this.headers.authorization = `Bearer ${config.bearer_token}`;
    }
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const alerts = postableAlerts(n, this.settings.clock.now(), this.config.resend_interval);
    if (alerts.length === 0) return { outcome: 'sent', detail: 'no alerts to post' };
    return postForResult(this.endpoint, JSON.stringify(alerts), { headers: this.headers, signal, clock: this.settings.clock });
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open
  }
}

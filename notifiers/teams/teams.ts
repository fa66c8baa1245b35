// The `teams` notifier: posts one Adaptive Card per notification to a Teams Workflows webhook.
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierSettings, SendResult } from '../../agent/notifiers/api.js';
import { postForResult } from '../../agent/notifiers/http-post.js';
import { teamsBody } from './card.js';
import type { TeamsConfig } from './config.js';

/**
 * Least time between two posts (ms). Teams throttled connectors above 4 requests/s; Workflows
 * answer 429 as well, and the notifier service honours their Retry-After.
 */
export const TEAMS_MIN_INTERVAL_MS = 250;

/** One `teams/<name>` instance. */
export class TeamsNotifier implements Notifier {
  readonly id: string;
  readonly minIntervalMs = TEAMS_MIN_INTERVAL_MS;
  /** Teams has no notion of acknowledging a card. */
  readonly acknowledges = false;

  constructor(private readonly settings: NotifierSettings, private readonly config: TeamsConfig) {
    this.id = settings.id;
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const body = teamsBody(n, { maxAlerts: this.config.max_alerts, maxTraceLinks: this.config.max_trace_links });
    return postForResult(this.config.webhook_url, body, { signal, clock: this.settings.clock });
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open
  }
}

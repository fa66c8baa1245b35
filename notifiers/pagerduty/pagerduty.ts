// The `pagerduty` notifier: Events API v2 `POST /v2/enqueue`; 202 carries the dedup_key; 429 without
// Retry-After waits 30 s, as PagerDuty's rate-limit guide asks.
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierSettings, SendResult } from '../../agent/notifiers/api.js';
import { postJson } from '../../agent/notifiers/http.js';
import type { PagerdutyConfig } from './config.js';
import { pagerdutyEvent } from './format.js';

/** The wait after a 429 that names none (PagerDuty suggests retries 30 s apart). */
export const PD_THROTTLE_WAIT_MS = 30_000;

export class PagerdutyNotifier implements Notifier {
  readonly id: string;
  /** About 120 events per minute per integration key. */
  readonly minIntervalMs = 500;
  readonly acknowledges = true;

  constructor(private readonly settings: NotifierSettings, private readonly config: PagerdutyConfig) {
    this.id = settings.id;
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const event = pagerdutyEvent(n, this.config.routing_key, this.config.source);
    const result = await postJson(this.config.events_url, event, { signal, now: () => this.settings.clock.now() });
    if (result.outcome === 'retry' && result.detail.startsWith('HTTP 429') && result.retryAfterMs === undefined) {
      return { ...result, retryAfterMs: PD_THROTTLE_WAIT_MS };
    }
    if (result.outcome === 'sent') return { outcome: 'sent', detail: `dedup_key ${String(event.dedup_key)}` };
    return result;
  }

  async close(): Promise<void> {}
}

// The `opsgenie` notifier: Alert API v2 create / close / acknowledge by alias, `GenieKey` auth; Opsgenie
// answers 202 and processes the request asynchronously.
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierSettings, SendResult } from '../../agent/notifiers/api.js';
import { postJson } from '../../agent/notifiers/http.js';
import { opsgenieBaseUrl, type OpsgenieConfig } from './config.js';
import { opsgenieRequest } from './format.js';

export class OpsgenieNotifier implements Notifier {
  readonly id: string;
  readonly minIntervalMs = 0;
  readonly acknowledges = true;
  private readonly base: string;

  constructor(private readonly settings: NotifierSettings, private readonly config: OpsgenieConfig) {
    this.id = settings.id;
    this.base = opsgenieBaseUrl(config);
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const req = opsgenieRequest(n, this.config);
    const result = await postJson(`${this.base}${req.path}`, req.body, {
      signal, now: () => this.settings.clock.now(), headers: { authorization: `GenieKey ${this.config.api_key}` },
    });
    if (result.outcome !== 'sent') return result;
    try {
      const answer = JSON.parse(result.detail ?? '{}') as { requestId?: string };
      return { outcome: 'sent', detail: answer.requestId ? `requestId ${answer.requestId}` : result.detail };
    } catch {
      return result;
    }
  }

  async close(): Promise<void> {}
}

// An in-memory NotifierService for admin API tests: channels from the file and the API, secrets
// redacted by each type's `secrets` keys, file channels protected, test sends recorded.
import type { Notification } from '../../agent/alerting/model.js';
import { errors } from '../../agent/errors.js';
import { redactSecrets, type ChannelRecord, type NotifierFactory, type NotifierService, type OutboxStats, type SendResult } from '../../agent/notifiers/api.js';

/** Notifier types with the secret keys the real ones declare (the factories' `secrets`). */
export const fakeNotifierFactories: NotifierFactory[] = ([
  ['slack', ['webhook_url']], ['teams', ['webhook_url']], ['pagerduty', ['routing_key']], ['opsgenie', ['api_key']],
  ['email', ['smtp.password']], ['webhook', ['secret']], ['alertmanager', []],
] as const).map(([type, secrets]) => ({
  kind: 'notifier', type, secrets,
  schema: undefined as never,
  createDefaultConfig: () => ({}),
  validate: () => [],
  parse: (raw: unknown) => raw,
  create: () => { throw new Error('fake notifier factories create nothing'); },
}));

export class FakeNotifiers implements NotifierService {
  private readonly configs = new Map<string, { config: Record<string, unknown>; source: 'file' | 'api' }>();
  readonly enqueued: Notification[] = [];
  readonly tested: string[] = [];
  private next = 1;

  constructor(fileChannels: Record<string, Record<string, unknown>> = {}, private readonly factories: readonly NotifierFactory[] = fakeNotifierFactories) {
    for (const [id, config] of Object.entries(fileChannels)) this.configs.set(id, { config: structuredClone(config), source: 'file' });
  }

  private factory(id: string): NotifierFactory | undefined {
    return this.factories.find((f) => f.type === id.split('/')[0]);
  }

  enqueue(n: Omit<Notification, 'id' | 'createdAt'>): Notification {
    const full = { ...n, id: `n-${this.next++}`, createdAt: Date.now() };
    this.enqueued.push(full);
    return full;
  }

  has(id: string): boolean { return this.configs.has(id); }
  acknowledges(id: string): boolean { return /^(pagerduty|opsgenie)\//.test(id); }

  channels(): ChannelRecord[] {
    return [...this.configs].map(([id, c]) => this.record(id, c.config, c.source));
  }

  private record(id: string, config: Record<string, unknown>, source: 'file' | 'api'): ChannelRecord {
    return { id, type: id.split('/')[0]!, config: redactSecrets(config, this.factory(id)?.secrets ?? []), source };
  }

  putChannel(id: string, config: unknown): ChannelRecord {
    const f = this.factory(id);
    if (!f) throw Object.assign(new Error(`notifiers.${id}: unknown notifier type '${id.split('/')[0]}'`), { code: 'BAD_CONFIG' });
    if (this.configs.get(id)?.source === 'file') throw errors.conflict(`channel '${id}' is defined in the config file`);
    if (!config || typeof config !== 'object') throw Object.assign(new Error(`notifiers.${id}: must be an object`), { code: 'BAD_CONFIG' });
    this.configs.set(id, { config: structuredClone(config as Record<string, unknown>), source: 'api' });
    return this.record(id, config as Record<string, unknown>, 'api');
  }

  deleteChannel(id: string): boolean {
    if (this.configs.get(id)?.source !== 'api') return false;
    return this.configs.delete(id);
  }

  async test(id: string): Promise<SendResult> {
    this.tested.push(id);
    return { outcome: 'sent' };
  }

  stats(): OutboxStats[] {
    return [...this.configs.keys()].map((notifier) => ({ notifier, pending: 0, sent: 0, rejected: 0, dead: 0 }));
  }
}

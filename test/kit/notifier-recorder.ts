// A fake notifier service for alerting tests: keeps every enqueued notification in memory.
import type { Notification } from '../../agent/alerting/model.js';
import type { NotifierService, OutboxStats } from '../../agent/notifiers/api.js';

/** The notifications queued so far, and which notifier ids exist / understand acknowledge. */
export interface NotifierRecorder extends NotifierService {
  readonly sent: Notification[];
  /** Notifications to one notifier, optionally of one action. */
  to(notifier: string, action?: Notification['action']): Notification[];
  clear(): void;
}

/**
 * @param ids notifier ids the fake knows
 * @param acknowledging the subset that understands `acknowledge` (PagerDuty, Opsgenie)
 */
export function notifierRecorder(ids: readonly string[], acknowledging: readonly string[] = [], now: () => number = () => 0): NotifierRecorder {
  const sent: Notification[] = [];
  let seq = 0;
  return {
    sent,
    to: (notifier, action) => sent.filter((n) => n.notifier === notifier && (action === undefined || n.action === action)),
    clear: () => { sent.length = 0; },
    enqueue(n) {
      const full: Notification = structuredClone({ ...n, id: `n${++seq}`, createdAt: now() });
      sent.push(full);
      return full;
    },
    has: (id) => ids.includes(id),
    acknowledges: (id) => acknowledging.includes(id),
    channels: () => ids.map((id) => ({ id, type: id.split('/')[0]!, config: {}, source: 'file' as const })),
    putChannel: () => { throw new Error('not in the fake'); },
    deleteChannel: () => false,
    test: async () => ({ outcome: 'sent' as const }),
    stats: (): OutboxStats[] => [],
  };
}

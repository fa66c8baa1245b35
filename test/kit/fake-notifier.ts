// A scripted notifier type `fake` for tests of the notifier service and the alerting engine: it
// records every attempt and answers from a script (default `sent`).
import { z } from 'zod';
import { configFromSchema } from '../../agent/component.js';
import type { Clock } from '../../agent/clock.js';
import type { Notification } from '../../agent/alerting/model.js';
import type { Notifier, NotifierFactory, SendResult } from '../../agent/notifiers/api.js';
import { bool, num } from '../../config/schema-helpers.js';

const schema = z.strictObject({
  min_interval_ms: num({ int: true, min: 0 }).default(0),
  acknowledges: bool().default(false),
  /** A secret: scrubbed from answers and logs. */
  token: z.string().default(''),
});

/** One attempt as the fake saw it. */
export interface FakeAttempt { at: number; notifier: string; notification: Notification }

/** What the test controls and reads. */
export interface FakeNotifierControl {
  attempts: FakeAttempt[];
  /** Answers, one per attempt in order; when empty, `sent`. `'hang'` waits until the signal aborts. */
  answers: Array<SendResult | 'hang'>;
  /** Notifier ids closed so far. */
  closed: string[];
}

export function fakeNotifierControl(): FakeNotifierControl {
  return { attempts: [], answers: [], closed: [] };
}

/** The `fake` notifier type, driven by `control`. */
export function fakeNotifierFactory(control: FakeNotifierControl): NotifierFactory<z.output<typeof schema>> {
  return {
    kind: 'notifier',
    type: 'fake',
    secrets: ['token'],
    ...configFromSchema('notifiers.fake', schema),
    create(settings: { id: string; clock: Clock }, config): Notifier {
      return {
        id: settings.id,
        minIntervalMs: config.min_interval_ms,
        acknowledges: config.acknowledges,
        async send(n, signal) {
          control.attempts.push({ at: settings.clock.now(), notifier: settings.id, notification: n });
          const answer = control.answers.shift() ?? { outcome: 'sent' };
          if (answer !== 'hang') return answer;
          return new Promise<SendResult>((resolve) => {
            signal.addEventListener('abort', () => resolve({ outcome: 'retry', detail: 'aborted' }), { once: true });
          });
        },
        async close() { control.closed.push(settings.id); },
      };
    },
  };
}

/** A notification as the alerting engine would enqueue it (one firing critical alert of `group`). */
export function notificationFor(notifier: string, group: string, action: Notification['action'] = 'trigger'): Omit<Notification, 'id' | 'createdAt'> {
  const status = action === 'resolve' ? 'resolved' : 'firing';
  const labels = { alertname: 'HighErrorRate', service_name: group, severity: 'critical' };
  return {
    notifier, action, status, groupKey: `{}:{alertname="HighErrorRate",service_name="${group}"}`,
    groupLabels: { alertname: 'HighErrorRate', service_name: group }, commonLabels: labels,
    commonAnnotations: { summary: `error ratio of ${group} above 5%` }, severity: 'critical',
    alerts: [{
      id: `fp-${group}`, name: 'HighErrorRate', status, severity: 'critical', labels,
      annotations: { summary: `error ratio of ${group} above 5%`, runbook_url: 'https://runbooks.example.com/high-error-rate' },
      value: 0.12, startsAt: Date.UTC(2026, 0, 1), endsAt: status === 'resolved' ? Date.UTC(2026, 0, 1, 0, 10) : null,
      acknowledged: null,
      traces: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', url: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736' }],
    }],
  };
}

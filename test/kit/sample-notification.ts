// Notifications as the notifier service hands them to notifiers, for notifier tests.
import type { NotifiedAlert, Notification } from '../../agent/alerting/model.js';

/** One firing alert of `HighErrorRate` on `checkout`; fields overridable. */
export function sampleAlert(over: Partial<NotifiedAlert> = {}): NotifiedAlert {
  return {
    id: 'a1b2c3d4e5f60718',
    name: 'HighErrorRate',
    status: 'firing',
    severity: 'critical',
    labels: { alertname: 'HighErrorRate', service_name: 'checkout', severity: 'critical' },
    annotations: { summary: 'checkout error ratio above 5%', description: 'error ratio is 0.12 over 5m', runbook_url: 'https://runbooks.example.com/high-error-rate' },
    value: 0.1234567,
    startsAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    endsAt: null,
    acknowledged: null,
    traces: [
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', url: 'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736' },
      { traceId: '0af7651916cd43dd8448eb211c80319c', url: 'https://jaeger.example.com/trace/0af7651916cd43dd8448eb211c80319c' },
    ],
    ...over,
  };
}

/** A firing notification of two alerts (two pods of checkout) grouped by alertname and service_name. */
export function sampleNotification(over: Partial<Notification> = {}): Notification {
  const alerts = over.alerts ?? [
    sampleAlert(),
    sampleAlert({ id: 'b1b2c3d4e5f60718', labels: { alertname: 'HighErrorRate', service_name: 'checkout', severity: 'critical', pod: 'checkout-2' }, traces: [] }),
  ];
  return {
    id: 'ntf_0001',
    notifier: 'test/one',
    action: 'trigger',
    status: 'firing',
    groupKey: '{}/{severity="critical"}:{alertname="HighErrorRate", service_name="checkout"}',
    groupLabels: { alertname: 'HighErrorRate', service_name: 'checkout' },
    commonLabels: { alertname: 'HighErrorRate', service_name: 'checkout', severity: 'critical' },
    commonAnnotations: { runbook_url: 'https://runbooks.example.com/high-error-rate' },
    severity: 'critical',
    createdAt: Date.UTC(2026, 0, 2, 3, 6, 0),
    ...over,
    alerts,
  };
}

/** The same notification resolved: every alert resolved at `endsAt`. */
export function resolvedOf(n: Notification, endsAt: number, id = `${n.id}-resolved`): Notification {
  return { ...n, id, action: 'resolve', status: 'resolved', alerts: n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt })) };
}

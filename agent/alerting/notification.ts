// Builds what the notifier service queues: one group's alerts at one moment, with trace links.
import type { Notification, NotifiedAlert, Severity } from './model.js';
import { SEVERITIES, type AlertRecord } from './model.js';
import { commonLabels } from './labels.js';

/** The most severe of the severities (critical first). */
export function mostSevere(sevs: Severity[]): Severity {
  let best = SEVERITIES.length - 1;
  for (const s of sevs) best = Math.min(best, SEVERITIES.indexOf(s));
  return SEVERITIES[best]!;
}

/** `{trace_id}` in the template replaced by the id; '' without a template. */
export function traceUrl(template: string, traceId: string): string {
  return template ? template.split('{trace_id}').join(traceId) : '';
}

export function notifiedAlert(a: AlertRecord, template: string, max: number): NotifiedAlert {
  const firing = a.state !== 'resolved';
  return {
    id: a.id, name: a.name, status: firing ? 'firing' : 'resolved', severity: a.severity, labels: a.labels, annotations: a.annotations,
    value: a.value, startsAt: a.firedAt ?? a.activeAt, endsAt: firing ? null : a.resolvedAt, acknowledged: a.acknowledged,
    traces: a.traceIds.slice(0, max).map((id) => ({ traceId: id, url: traceUrl(template, id) })),
  };
}

export interface NotificationInput {
  notifier: string;
  action: Notification['action'];
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: AlertRecord[];
  traceUrl: string;
  maxTraceLinks: number;
}

/** The notification for one notifier; `status` is firing while any alert fires. */
export function buildNotification(i: NotificationInput): Omit<Notification, 'id' | 'createdAt'> {
  const alerts = i.alerts.map((a) => notifiedAlert(a, i.traceUrl, i.maxTraceLinks));
  const firing = alerts.filter((a) => a.status === 'firing');
  return {
    notifier: i.notifier, action: i.action, status: firing.length > 0 ? 'firing' : 'resolved', groupKey: i.groupKey,
    groupLabels: i.groupLabels, commonLabels: commonLabels(alerts.map((a) => a.labels)),
    commonAnnotations: commonLabels(alerts.map((a) => a.annotations)),
    severity: mostSevere((firing.length > 0 ? firing : alerts).map((a) => a.severity)), alerts,
  };
}

// The JSON body of the `webhook` notifier: Alertmanager's webhook payload (version 4) so existing
// receivers read it, plus Outrider's fields (type, timestamp, notificationId, action, severity, per-alert value, acknowledgement, traces).
import type { NotifiedAlert, Notification } from '../../agent/alerting/model.js';

/** Alertmanager's "zero" time, its `endsAt` of a firing alert. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** One alert of the payload. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
  severity: string;
  value: number | null;
  acknowledged: { by: string; note: string; at: string } | null;
  traces: Array<{ traceId: string; url: string }>;
}

/** The whole payload (see README.md). */
export interface WebhookPayload {
  version: '4';
  /** `alert.trigger`, `alert.acknowledge` or `alert.resolve` (Standard Webhooks' event type). */
  type: string;
  /** When the notification was made (RFC 3339). */
  timestamp: string;
  notificationId: string;
  action: Notification['action'];
  groupKey: string;
  truncatedAlerts: number;
  status: Notification['status'];
  receiver: string;
  severity: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** The payload of `n`, with at most `maxAlerts` alerts (0: all). */
export function webhookPayload(n: Notification, maxAlerts: number): WebhookPayload {
  const alerts = maxAlerts > 0 ? n.alerts.slice(0, maxAlerts) : n.alerts;
  return {
    version: '4',
    type: `alert.${n.action}`,
    timestamp: new Date(n.createdAt).toISOString(),
    notificationId: n.id,
    action: n.action,
    groupKey: n.groupKey,
    truncatedAlerts: n.alerts.length - alerts.length,
    status: n.status,
    receiver: n.notifier,
    severity: n.severity,
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    externalURL: '',
    alerts: alerts.map(alertOf),
  };
}

function alertOf(a: NotifiedAlert): WebhookAlert {
  return {
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: a.endsAt === null ? ZERO_TIME : new Date(a.endsAt).toISOString(),
    generatorURL: '',
    fingerprint: a.id,
    severity: a.severity,
    value: a.value,
    acknowledged: a.acknowledged ? { by: a.acknowledged.by, note: a.acknowledged.note, at: new Date(a.acknowledged.at).toISOString() } : null,
    traces: a.traces,
  };
}

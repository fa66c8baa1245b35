// PagerDuty Events API v2 events of a notification: trigger with payload, acknowledge and resolve with
// the group's stable dedup_key alone.
import type { Notification, Severity } from '../../agent/alerting/model.js';
import { alertCounts, descriptionOf, groupHash, groupTitle, runbooksOf, summaryOf, traceLinksOf, truncate } from '../../agent/notifiers/render.js';

/** Our severities as PagerDuty's four. */
export const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical', high: 'error', medium: 'warning', low: 'info', info: 'info',
};

/** Events API v2 limits. */
export const PD_LIMITS = { summary: 1024, dedupKey: 255, body: 512 * 1024 } as const;

/** The group's dedup_key: `outrider-` + sha256(groupKey) (73 chars), the same for every event of the group. */
export function dedupKeyOf(groupKey: string): string {
  return `outrider-${groupHash(groupKey)}`;
}

/** The event for `n`. */
export function pagerdutyEvent(n: Notification, routingKey: string, source?: string): Record<string, unknown> {
  const dedup_key = dedupKeyOf(n.groupKey);
  const event_action = n.action;
  if (event_action !== 'trigger') return { routing_key: routingKey, dedup_key, event_action };
  const { firing, resolved } = alertCounts(n);
  const service = n.commonLabels.service_name ?? n.groupLabels.service_name;
  const startsAt = Math.min(...n.alerts.map((a) => a.startsAt), n.createdAt);
  const custom_details: Record<string, unknown> = {
    firing, resolved,
    description: descriptionOf(n) || undefined,
    group_labels: n.groupLabels,
    common_labels: n.commonLabels,
    common_annotations: n.commonAnnotations,
    alerts: n.alerts.map((a) => ({
      name: a.name, status: a.status, severity: a.severity, labels: a.labels, annotations: a.annotations, value: a.value,
      starts_at: new Date(a.startsAt).toISOString(), trace_ids: a.traces.map((t) => t.traceId),
    })),
  };
  const payload: Record<string, unknown> = {
    summary: truncate(`${groupTitle(n)}: ${summaryOf(n)}`, PD_LIMITS.summary),
    source: source ?? service ?? 'outrider',
    severity: PD_SEVERITY[n.severity],
    timestamp: new Date(startsAt).toISOString(),
    ...(service ? { component: service } : {}),
    class: n.groupLabels.alertname ?? n.commonLabels.alertname ?? n.alerts[0]?.name ?? 'alert',
    custom_details,
  };
  const links = [
    ...runbooksOf(n).map((href) => ({ href, text: 'Runbook' })),
    ...traceLinksOf(n).map((t) => ({ href: t.url, text: `Trace ${t.traceId}` })),
  ];
  const event: Record<string, unknown> = { routing_key: routingKey, event_action, dedup_key, payload, client: 'Outrider', ...(links.length ? { links } : {}) };
  // like Alertmanager: an event over PagerDuty's 512 KB limit drops its per-alert details first
  if (Buffer.byteLength(JSON.stringify(event)) > PD_LIMITS.body) {
    custom_details.alerts = `${n.alerts.length} alerts (details dropped: the event exceeded 512 KB)`;
    custom_details.common_annotations = undefined;
  }
  return event;
}

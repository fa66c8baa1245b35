// Plain-text pieces shared by the notifiers that render for humans (Teams, email): the title in
// Alertmanager's style, the links an on-call engineer clicks first, values and times as text.
import type { NotifiedAlert, Notification } from '../alerting/model.js';

/** The alert's name of a group: `alertname` when all alerts share it, else the first alert's name. */
export function groupAlertName(n: Notification): string {
  return n.commonLabels.alertname ?? n.groupLabels.alertname ?? n.alerts[0]?.name ?? 'alert';
}

/** `FIRING`, `RESOLVED`, or `ACKNOWLEDGED` for an acknowledge notification. */
export function statusWord(n: Notification): string {
  return n.action === 'acknowledge' ? 'ACKNOWLEDGED' : n.status.toUpperCase();
}

/** How many alerts of the notification fire. */
export function firingCount(n: Notification): number {
  return n.alerts.filter((a) => a.status === 'firing').length;
}

/**
 * The title, as Alertmanager's default subject: `[FIRING:2] HighErrorRate checkout (critical)` —
 * the status (with the count of firing alerts while firing), the alert name, the other group
 * label values in key order, the severity.
 */
export function notificationTitle(n: Notification): string {
  const name = groupAlertName(n);
  const others = Object.keys(n.groupLabels).filter((k) => k !== 'alertname').sort().map((k) => n.groupLabels[k]).filter((v) => v);
  const status = n.status === 'firing' ? `${statusWord(n)}:${firingCount(n)}` : statusWord(n);
  return `[${status}] ${[name, ...others].join(' ')} (${n.severity})`;
}

/** Alerts in the order a reader wants them: firing before resolved, then most recent first. */
export function orderedAlerts(n: Notification): NotifiedAlert[] {
  return [...n.alerts].sort((a, b) => (a.status === b.status ? b.startsAt - a.startsAt : a.status === 'firing' ? -1 : 1));
}

/** The runbook of the group (common annotation) or of its first alert that has one. */
export function runbookUrl(n: Notification): string | undefined {
  return n.commonAnnotations.runbook_url || n.alerts.find((a) => a.annotations.runbook_url)?.annotations.runbook_url || undefined;
}

/** Trace links of all alerts, each trace once, in alert order; those without a URL are skipped. */
export function traceLinks(n: Notification, limit = Infinity): Array<{ traceId: string; url: string }> {
  const seen = new Set<string>();
  const out: Array<{ traceId: string; url: string }> = [];
  for (const a of orderedAlerts(n)) {
    for (const t of a.traces) {
      if (!t.url || seen.has(t.traceId) || out.length >= limit) continue;
      seen.add(t.traceId);
      out.push(t);
    }
  }
  return out;
}

/** Whether `url` is an absolute http(s) URL (only those become links). */
export function isHttpUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A value as people read it: up to 4 significant digits, `no data` for null. */
export function formatValue(v: number | null): string {
  if (v === null) return 'no data';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** Epoch ms as RFC 3339 UTC (`2026-01-02T03:04:05.000Z`). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `k=v` pairs in key order. */
export function labelPairs(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(', ');
}

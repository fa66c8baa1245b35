// A notification as Alertmanager's postable alerts: labels are the identity, firing alerts end
// 4 resend intervals ahead (so two lost sends do not resolve them), resolved ones at their past resolve time.
import type { NotifiedAlert, Notification } from '../../agent/alerting/model.js';
import { formatValue } from '../../agent/notifiers/notification-text.js';

/** One element of `POST /api/v2/alerts` (Alertmanager's `postableAlert`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/** Resend intervals a firing alert's `endsAt` lies ahead (Prometheus' `4 × resend delay`). */
export const ENDS_AT_INTERVALS = 4;

const validName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label name Alertmanager 0.25+ accepts: invalid characters become `_`, a leading digit gets `_`. */
export function labelName(name: string): string {
  if (validName.test(name)) return name;
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s || '_';
}

/** The alerts of `n` to post at `nowMs`. */
export function postableAlerts(n: Notification, nowMs: number, resendIntervalMs: number): PostableAlert[] {
  return n.alerts.map((a) => postable(a, nowMs, resendIntervalMs));
}

function postable(a: NotifiedAlert, nowMs: number, resendIntervalMs: number): PostableAlert {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.labels)) if (v !== '') labels[labelName(k)] = v;
  labels.alertname ??= a.name;
  labels.severity ??= a.severity;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.annotations)) if (v !== '') annotations[labelName(k)] = v;
  if (a.value !== null) annotations.value = formatValue(a.value);
  if (a.traces.length) {
    annotations.trace_ids = a.traces.map((t) => t.traceId).join(',');
    const url = a.traces.find((t) => t.url)?.url;
    if (url) annotations.trace_url = url;
  }
  if (a.acknowledged) {
    annotations.acknowledged_by = a.acknowledged.by;
    annotations.acknowledged_at = new Date(a.acknowledged.at).toISOString();
    if (a.acknowledged.note) annotations.acknowledged_note = a.acknowledged.note;
  }
  // Alertmanager refuses an end before the start; a resolve is never dated in the future
  const endsAt = a.status === 'resolved'
    ? Math.max(a.startsAt, Math.min(a.endsAt ?? nowMs, nowMs))
    : Math.max(a.startsAt, nowMs) + ENDS_AT_INTERVALS * resendIntervalMs;
  const out: PostableAlert = { labels, annotations, startsAt: new Date(a.startsAt).toISOString(), endsAt: new Date(endsAt).toISOString() };
  const generator = a.traces.find((t) => t.url)?.url;
  if (generator) out.generatorURL = generator;
  return out;
}

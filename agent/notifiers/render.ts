// Text helpers the notifiers share: limits by code point, the group's title, its stable hash, and
// the links (runbooks, traces) a notification carries.
import { createHash } from 'node:crypto';
import type { Notification, Severity } from '../alerting/model.js';

/** `s` cut to at most `max` code points (runes), ending with `…` when cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** The group's stable hash: sha256 of the group key, hex (64 chars). */
export function groupHash(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** Counts of firing and resolved alerts. */
export function alertCounts(n: Notification): { firing: number; resolved: number } {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  return { firing, resolved: n.alerts.length - firing };
}

/** `[FIRING:2] HighErrorRate service_name=checkout` (Alertmanager's default title, with the group labels). */
export function groupTitle(n: Notification): string {
  const { firing } = alertCounts(n);
  const status = n.status === 'firing' ? `FIRING:${firing}` : 'RESOLVED';
  const name = n.groupLabels.alertname ?? n.commonLabels.alertname ?? n.alerts[0]?.name ?? 'alert';
  const rest = Object.entries(n.groupLabels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`).join(' ');
  return `[${status}] ${name}${rest ? ` ${rest}` : ''}`;
}

/** The summary to show: the common one, else the first alert's, else the title. */
export function summaryOf(n: Notification): string {
  return n.commonAnnotations.summary ?? n.alerts.find((a) => a.annotations.summary)?.annotations.summary ?? groupTitle(n);
}

/** The description: the common one, else the first alert's; empty when none. */
export function descriptionOf(n: Notification): string {
  return n.commonAnnotations.description ?? n.alerts.find((a) => a.annotations.description)?.annotations.description ?? '';
}

/** Distinct runbook URLs of the group. */
export function runbooksOf(n: Notification): string[] {
  const urls = [n.commonAnnotations.runbook_url, ...n.alerts.map((a) => a.annotations.runbook_url)].filter((u): u is string => !!u);
  return [...new Set(urls)];
}

/** Distinct example traces with a URL, at most `max`. */
export function traceLinksOf(n: Notification, max = 10): Array<{ traceId: string; url: string }> {
  const seen = new Map<string, { traceId: string; url: string }>();
  for (const a of n.alerts) for (const t of a.traces) if (t.url && !seen.has(t.url)) seen.set(t.url, t);
  return [...seen.values()].slice(0, max);
}

/** Labels as `k=v, …`. */
export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** Severity rank: 0 for critical … 4 for info. */
export function severityRank(s: Severity): number {
  return ['critical', 'high', 'medium', 'low', 'info'].indexOf(s);
}

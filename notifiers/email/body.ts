// The text and HTML bodies of an alert email: group summary, then each alert with its summary,
// description, value, times, acknowledgement, labels, and links to its runbook and example traces.
// Every value in the HTML is escaped; only http(s) URLs become links.
import type { NotifiedAlert, Notification } from '../../agent/alerting/model.js';
import {
  formatValue, isHttpUrl, isoTime, labelPairs, notificationTitle, orderedAlerts, runbookUrl, statusWord,
} from '../../agent/notifiers/notification-text.js';

/** Alerts detailed in one email; the rest are counted. */
export const EMAIL_MAX_ALERTS = 50;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The plain-text body. */
export function emailText(n: Notification): string {
  const lines = [notificationTitle(n), ''];
  lines.push(`Status: ${statusWord(n).toLowerCase()}`, `Severity: ${n.severity}`);
  if (Object.keys(n.groupLabels).length) lines.push(`Group: ${labelPairs(n.groupLabels)}`);
  const runbook = runbookUrl(n);
  if (runbook) lines.push(`Runbook: ${runbook}`);
  const alerts = orderedAlerts(n);
  alerts.slice(0, EMAIL_MAX_ALERTS).forEach((a, i) => {
    lines.push('', `Alert ${i + 1}/${alerts.length}: ${a.annotations.summary || a.name} [${a.status}, ${a.severity}]`);
    for (const [k, v] of alertFields(a)) lines.push(`  ${k}: ${v}`);
    if (a.annotations.runbook_url && a.annotations.runbook_url !== runbook) lines.push(`  Runbook: ${a.annotations.runbook_url}`);
    if (a.traces.length) {
      lines.push('  Traces:');
      for (const t of a.traces) lines.push(`    ${t.url || t.traceId}`);
    }
  });
  if (alerts.length > EMAIL_MAX_ALERTS) lines.push('', `… and ${alerts.length - EMAIL_MAX_ALERTS} more alert(s)`);
  lines.push('', `-- Outrider (${n.notifier}), notification ${n.id}`, '');
  return lines.join('\n');
}

/** The HTML body (inline styles only, as mail clients require). */
export function emailHtml(n: Notification): string {
  const e = escapeHtml;
  const colour = n.status === 'firing' ? '#c62828' : '#2e7d32';
  const runbook = runbookUrl(n);
  const alerts = orderedAlerts(n);
  const out: string[] = [
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">',
    `<h2 style="color:${colour};margin:0 0 8px">${e(notificationTitle(n))}</h2>`,
    '<table style="border-collapse:collapse">',
    row('Status', e(statusWord(n).toLowerCase())),
    row('Severity', e(n.severity)),
  ];
  if (Object.keys(n.groupLabels).length) out.push(row('Group', e(labelPairs(n.groupLabels))));
  if (runbook) out.push(row('Runbook', link(runbook)));
  out.push('</table>');
  alerts.slice(0, EMAIL_MAX_ALERTS).forEach((a, i) => {
    out.push(`<h3 style="margin:16px 0 4px">${i + 1}/${alerts.length} ${e(a.annotations.summary || a.name)} <small>[${e(a.status)}, ${e(a.severity)}]</small></h3>`);
    out.push('<table style="border-collapse:collapse">');
    for (const [k, v] of alertFields(a)) out.push(row(k, e(v)));
    if (a.annotations.runbook_url && a.annotations.runbook_url !== runbook) out.push(row('Runbook', link(a.annotations.runbook_url)));
    if (a.traces.length) out.push(row('Traces', a.traces.map((t) => (t.url ? link(t.url, t.traceId) : e(t.traceId))).join('<br>')));
    out.push('</table>');
  });
  if (alerts.length > EMAIL_MAX_ALERTS) out.push(`<p>… and ${alerts.length - EMAIL_MAX_ALERTS} more alert(s)</p>`);
  out.push(`<p style="color:#777;font-size:12px">Outrider (${e(n.notifier)}), notification ${e(n.id)}</p></body></html>`);
  return out.join('\n');
}

function alertFields(a: NotifiedAlert): Array<[string, string]> {
  const f: Array<[string, string]> = [];
  if (a.annotations.description) f.push(['Description', a.annotations.description]);
  f.push(['Alert', a.name], ['Value', formatValue(a.value)], ['Started', isoTime(a.startsAt)]);
  if (a.endsAt !== null) f.push(['Ended', isoTime(a.endsAt)]);
  if (a.acknowledged) f.push(['Acknowledged', `by ${a.acknowledged.by} at ${isoTime(a.acknowledged.at)}${a.acknowledged.note ? ` (${a.acknowledged.note})` : ''}`]);
  f.push(['Labels', labelPairs(a.labels)]);
  return f;
}

function row(key: string, html: string): string {
  return `<tr><td style="padding:2px 12px 2px 0;color:#555;vertical-align:top">${escapeHtml(key)}</td><td style="padding:2px 0">${html}</td></tr>`;
}

/** A link when `url` is http(s), else the escaped text. */
function link(url: string, text = url): string {
  return isHttpUrl(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

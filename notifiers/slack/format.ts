// The Slack message of a notification: fallback `text`, Block Kit blocks (title, summary, fields,
// links) and one legacy attachment whose colour bar shows the severity.
import type { Notification, Severity } from '../../agent/alerting/model.js';
import { alertCounts, descriptionOf, groupTitle, labelText, runbooksOf, summaryOf, traceLinksOf, truncate } from '../../agent/notifiers/render.js';

/** Attachment colours: resolved green, then by severity. */
export const SLACK_COLORS: Record<Severity | 'resolved', string> = {
  critical: '#E01E5A', high: '#F2711C', medium: '#ECB22E', low: '#36C5F0', info: '#9E9E9E', resolved: '#2EB67D',
};

/** Block Kit limits (api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fields: 10, fieldText: 2000, contextElements: 10, text: 40_000 } as const;

/** Slack's mrkdwn escapes: `&`, `<`, `>`. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|text>`, or the escaped text alone when the URL cannot be linked. */
function link(url: string, text: string): string {
  return /[|<>\s]/.test(url) ? escapeMrkdwn(text) : `<${url}|${escapeMrkdwn(text).replace(/\|/g, '¦')}>`;
}

const MAX_ALERTS_LISTED = 20;

/** The webhook body for `n`. */
export function slackMessage(n: Notification): Record<string, unknown> {
  const title = groupTitle(n);
  const summary = summaryOf(n);
  const description = descriptionOf(n);
  const { firing, resolved } = alertCounts(n);
  const color = n.status === 'resolved' ? SLACK_COLORS.resolved : SLACK_COLORS[n.severity];
  const icon = n.status === 'resolved' ? '✅' : n.severity === 'critical' || n.severity === 'high' ? '🔥' : '⚠️';
  const text = truncate(`${icon} ${escapeMrkdwn(title)}: ${escapeMrkdwn(summary)}`, SLACK_LIMITS.text);

  const fields = [
    { type: 'mrkdwn', text: `*Severity*\n${n.severity}` },
    { type: 'mrkdwn', text: `*Status*\n${n.status}` },
    { type: 'mrkdwn', text: `*Alerts*\n${firing} firing, ${resolved} resolved` },
    ...Object.entries(n.groupLabels).filter(([k]) => k !== 'alertname').slice(0, 7)
      .map(([k, v]) => ({ type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(v)}`, SLACK_LIMITS.fieldText) })),
  ];
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${icon} ${title}`, SLACK_LIMITS.headerText), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(summary)}*${description ? `\n${escapeMrkdwn(description)}` : ''}`, SLACK_LIMITS.sectionText) } },
    { type: 'section', fields },
  ];
  const links = [
    ...runbooksOf(n).map((u) => link(u, 'Runbook')),
    ...traceLinksOf(n).map((t) => link(t.url, `Trace ${t.traceId.slice(0, 8)}`)),
  ];
  // whole links only, within the section's limit (a cut link would break the mrkdwn)
  let linkText = '*Links*';
  for (const l of links) if (linkText.length + l.length + 3 <= SLACK_LIMITS.sectionText) linkText += `${linkText === '*Links*' ? ' ' : ' · '}${l}`;
  if (links.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: linkText } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Outrider · ${new Date(n.createdAt).toISOString()}` }] });

  const listed = n.alerts.slice(0, MAX_ALERTS_LISTED).map((a) => {
    const value = a.value === null ? '' : ` (value ${a.value})`;
    const what = a.annotations.summary ?? labelText(a.labels);
    return `${a.status === 'firing' ? '•' : '✓'} *${escapeMrkdwn(a.name)}*${value}: ${escapeMrkdwn(what)}`;
  });
  if (n.alerts.length > MAX_ALERTS_LISTED) listed.push(`…and ${n.alerts.length - MAX_ALERTS_LISTED} more`);
  const attachment = {
    color,
    fallback: text,
    title: `${n.alerts.length} alert${n.alerts.length === 1 ? '' : 's'} (${n.status})`,
    text: truncate(listed.join('\n'), SLACK_LIMITS.sectionText),
    fields: [
      { title: 'Severity', value: n.severity, short: true },
      { title: 'Status', value: n.status, short: true },
    ],
    footer: 'Outrider',
    ts: Math.floor(n.createdAt / 1000),
  };
  return { text, blocks, attachments: [attachment] };
}

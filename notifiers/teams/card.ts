// The Adaptive Card message a Teams Workflows webhook posts to a channel: title coloured by status,
// group facts, one container per alert (summary, facts, trace links), runbook and trace buttons.
import type { NotifiedAlert, Notification, Severity } from '../../agent/alerting/model.js';
import {
  formatValue, isHttpUrl, isoTime, labelPairs, notificationTitle, orderedAlerts, runbookUrl, traceLinks,
} from '../../agent/notifiers/notification-text.js';

/** The Adaptive Card schema URL Teams expects in `$schema`. */
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Adaptive Card version sent (Teams renders up to 1.5). */
export const ADAPTIVE_CARD_VERSION = '1.4';
/** Teams refuses messages over about 28 KB; cards are shrunk below this many bytes. */
export const TEAMS_MAX_BYTES = 28_000;

type Element = Record<string, unknown>;
type Fact = { title: string; value: string };

/** Adaptive Card colour per severity. */
const severityColour: Record<Severity, string> = { critical: 'Attention', high: 'Attention', medium: 'Warning', low: 'Accent', info: 'Default' };

export interface CardLimits {
  /** Alerts detailed; the rest are counted. */
  maxAlerts: number;
  /** Trace buttons besides the runbook's. */
  maxTraceLinks: number;
}

/** The whole webhook body for `n` (the `{type:"message", attachments:[…]}` envelope). */
export function teamsMessage(n: Notification, limits: CardLimits): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: adaptiveCard(n, limits) }],
  };
}

/** The body serialized, with fewer alerts detailed until it fits in TEAMS_MAX_BYTES. */
export function teamsBody(n: Notification, limits: CardLimits): string {
  let maxAlerts = limits.maxAlerts;
  for (;;) {
    const body = JSON.stringify(teamsMessage(n, { ...limits, maxAlerts }));
    if (Buffer.byteLength(body) <= TEAMS_MAX_BYTES || maxAlerts === 0) return body;
    maxAlerts = Math.floor(maxAlerts / 2);
  }
}

function adaptiveCard(n: Notification, limits: CardLimits): Record<string, unknown> {
  const alerts = orderedAlerts(n);
  const shown = alerts.slice(0, limits.maxAlerts);
  const body: Element[] = [
    { type: 'TextBlock', text: notificationTitle(n), weight: 'Bolder', size: 'Medium', wrap: true, color: n.status === 'firing' ? 'Attention' : 'Good' },
    { type: 'FactSet', facts: groupFacts(n) },
    ...shown.map(alertContainer),
  ];
  if (alerts.length > shown.length) {
    body.push({ type: 'TextBlock', text: `and ${alerts.length - shown.length} more alert(s)`, isSubtle: true, wrap: true });
  }
  const card: Record<string, unknown> = {
    $schema: ADAPTIVE_CARD_SCHEMA, type: 'AdaptiveCard', version: ADAPTIVE_CARD_VERSION, body, msteams: { width: 'Full' },
  };
  const actions = cardActions(n, limits.maxTraceLinks);
  if (actions.length) card.actions = actions;
  return card;
}

function groupFacts(n: Notification): Fact[] {
  const firing = alertsIn(n, 'firing');
  const resolved = alertsIn(n, 'resolved');
  const facts: Fact[] = [
    { title: 'Status', value: n.action === 'acknowledge' ? 'acknowledged' : n.status },
    { title: 'Severity', value: n.severity },
    { title: 'Alerts', value: [firing && `${firing} firing`, resolved && `${resolved} resolved`].filter(Boolean).join(', ') || '0' },
  ];
  const group = labelPairs(n.groupLabels);
  if (group) facts.push({ title: 'Group', value: group });
  return facts;
}

function alertsIn(n: Notification, status: NotifiedAlert['status']): number {
  return n.alerts.filter((a) => a.status === status).length;
}

function alertContainer(a: NotifiedAlert): Element {
  const items: Element[] = [
    { type: 'TextBlock', text: a.annotations.summary || a.name, weight: 'Bolder', wrap: true, color: a.status === 'firing' ? severityColour[a.severity] : 'Good' },
  ];
  if (a.annotations.description) items.push({ type: 'TextBlock', text: a.annotations.description, wrap: true, isSubtle: true });
  const facts: Fact[] = [
    { title: 'Alert', value: a.name },
    { title: 'Status', value: a.status },
    { title: 'Severity', value: a.severity },
    { title: 'Value', value: formatValue(a.value) },
    { title: 'Started', value: isoTime(a.startsAt) },
  ];
  if (a.endsAt !== null) facts.push({ title: 'Ended', value: isoTime(a.endsAt) });
  if (a.acknowledged) facts.push({ title: 'Acknowledged', value: `by ${a.acknowledged.by} at ${isoTime(a.acknowledged.at)}${a.acknowledged.note ? `: ${a.acknowledged.note}` : ''}` });
  const labels = labelPairs(a.labels);
  if (labels) facts.push({ title: 'Labels', value: labels });
  items.push({ type: 'FactSet', facts });
  const traces = a.traces.filter((t) => isHttpUrl(t.url));
  if (traces.length) {
    items.push({ type: 'TextBlock', wrap: true, text: `Traces: ${traces.map((t) => `[${t.traceId.slice(0, 16)}](${t.url})`).join(' · ')}` });
  } else if (a.traces.length) {
    items.push({ type: 'TextBlock', wrap: true, text: `Traces: ${a.traces.map((t) => t.traceId).join(', ')}` });
  }
  return { type: 'Container', separator: true, items };
}

function cardActions(n: Notification, maxTraceLinks: number): Element[] {
  const actions: Element[] = [];
  const runbook = runbookUrl(n);
  if (isHttpUrl(runbook)) actions.push({ type: 'Action.OpenUrl', title: 'Runbook', url: runbook });
  for (const t of traceLinks(n).filter((t) => isHttpUrl(t.url)).slice(0, maxTraceLinks)) {
    actions.push({ type: 'Action.OpenUrl', title: `Trace ${t.traceId.slice(0, 8)}`, url: t.url });
  }
  return actions;
}

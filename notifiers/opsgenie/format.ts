// Opsgenie Alert API requests of a notification: create (by alias), close and acknowledge by alias.
import type { Notification, Severity } from '../../agent/alerting/model.js';
import { alertCounts, descriptionOf, groupHash, groupTitle, labelText, runbooksOf, summaryOf, traceLinksOf, truncate } from '../../agent/notifiers/render.js';
import type { OpsgenieConfig } from './config.js';

/** Our severities as Opsgenie priorities. */
export const OG_PRIORITY: Record<Severity, 'P1' | 'P2' | 'P3' | 'P4' | 'P5'> = {
  critical: 'P1', high: 'P2', medium: 'P3', low: 'P4', info: 'P5',
};

/** Alert API field limits (characters). */
export const OG_LIMITS = { message: 130, alias: 512, description: 15_000, tags: 20, tag: 50, details: 8_000, entity: 512, source: 100, user: 100, note: 25_000 } as const;

/** The group's alias: sha256(groupKey), hex (64 chars). */
export function aliasOf(groupKey: string): string {
  return groupHash(groupKey);
}

/** `details` within the 8000-character budget (keys plus values), in order of importance. */
function detailsOf(n: Notification): Record<string, string> {
  const { firing, resolved } = alertCounts(n);
  const entries: Array<[string, string]> = [
    ['severity', n.severity], ['status', n.status], ['alerts', `${firing} firing, ${resolved} resolved`],
    ...runbooksOf(n).map((u, i): [string, string] => [i === 0 ? 'runbook_url' : `runbook_url_${i + 1}`, u]),
    ...traceLinksOf(n).map((t, i): [string, string] => [`trace_${i + 1}`, t.url]),
    ...Object.entries(n.commonLabels).map(([k, v]): [string, string] => [`label.${k}`, v]),
  ];
  const out: Record<string, string> = {};
  let used = 0;
  for (const [k, v] of entries) {
    const value = truncate(v, 1000);
    if (k in out || used + k.length + value.length > OG_LIMITS.details) continue;
    out[k] = value;
    used += k.length + value.length;
  }
  return out;
}

function tagsOf(n: Notification, extra: readonly string[]): string[] {
  const tags = ['outrider', n.severity, n.groupLabels.alertname ?? n.alerts[0]?.name, n.commonLabels.service_name, ...extra]
    .filter((t): t is string => !!t).map((t) => truncate(t, OG_LIMITS.tag));
  return [...new Set(tags)].slice(0, OG_LIMITS.tags);
}

/** The description: summary, description, each alert, links. */
function descriptionText(n: Notification): string {
  const lines = [summaryOf(n), descriptionOf(n), '', ...n.alerts.map((a) => `- [${a.status}] ${a.name} ${labelText(a.labels)}${a.value === null ? '' : ` value=${a.value}`}`)];
  const runbooks = runbooksOf(n);
  const traces = traceLinksOf(n);
  if (runbooks.length) lines.push('', ...runbooks.map((u) => `Runbook: ${u}`));
  if (traces.length) lines.push('', ...traces.map((t) => `Trace ${t.traceId}: ${t.url}`));
  return truncate(lines.filter((l, i) => l !== '' || i > 0).join('\n'), OG_LIMITS.description);
}

/** One Opsgenie request: its path (with query) under the base URL and its JSON body. */
export interface OpsgenieRequest { path: string; body: Record<string, unknown> }

/** The request for `n`: create on trigger, close on resolve, acknowledge on acknowledge. */
export function opsgenieRequest(n: Notification, config: Pick<OpsgenieConfig, 'responders' | 'tags'>): OpsgenieRequest {
  const alias = aliasOf(n.groupKey);
  if (n.action === 'trigger') {
    const service = n.commonLabels.service_name ?? n.groupLabels.service_name;
    const body: Record<string, unknown> = {
      message: truncate(`${groupTitle(n)}: ${summaryOf(n)}`, OG_LIMITS.message),
      alias,
      description: descriptionText(n),
      tags: tagsOf(n, config.tags),
      details: detailsOf(n),
      source: 'Outrider',
      priority: OG_PRIORITY[n.severity],
      ...(service ? { entity: truncate(service, OG_LIMITS.entity) } : {}),
      ...(config.responders.length ? { responders: config.responders.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))) } : {}),
    };
    return { path: '/v2/alerts', body };
  }
  const verb = n.action === 'resolve' ? 'close' : 'acknowledge';
  const ack = n.alerts.find((a) => a.acknowledged)?.acknowledged;
  const user = n.action === 'acknowledge' && ack?.by ? truncate(ack.by, OG_LIMITS.user) : 'Outrider';
  const note = n.action === 'acknowledge'
    ? truncate(`Acknowledged in Outrider${ack?.note ? `: ${ack.note}` : ''}`, OG_LIMITS.note)
    : truncate(`Resolved in Outrider: ${summaryOf(n)}`, OG_LIMITS.note);
  return { path: `/v2/alerts/${encodeURIComponent(alias)}/${verb}?identifierType=alias`, body: { user, source: 'Outrider', note } };
}

// The alert model shared by the alerting engine, the notifier service, the notifiers and the admin API.
// Times are epoch milliseconds from the agent's clock.

/** Severities of `alerting.rules[].severity`, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The lifecycle of one alert (`acknowledged` is a firing alert someone owns). */
export type AlertState = 'pending' | 'firing' | 'acknowledged' | 'resolved';

/** One alert as stored and as the admin API returns it. */
export interface AlertRecord {
  /** The stable fingerprint: a hash of the rule name and the alert's labels (hex, 16 chars). */
  id: string;
  /** The rule's name (`alertname` label too). */
  name: string;
  state: AlertState;
  severity: Severity;
  /** All labels: the series' labels, the rule's extra labels, `alertname`, `severity`. */
  labels: Record<string, string>;
  /** Templated annotations: summary, description, runbook_url, … */
  annotations: Record<string, string>;
  /** The value that last evaluated (NaN-free; null for manual alerts or no data). */
  value: number | null;
  /** Where it came from: a rule id, `slo` (burn-rate tiers) or `manual`. */
  source: string;
  /** When the condition first held (pending since). */
  activeAt: number;
  /** When it started firing; null while pending. */
  firedAt: number | null;
  resolvedAt: number | null;
  acknowledged: { by: string; note: string; at: number } | null;
  /** Example trace ids (hex) from the alert's window: bad events of an SLO, error spans of a service. */
  traceIds: string[];
}

/** What the notifier service hands a notifier: one group's alerts at one moment. */
export interface Notification {
  /** Outbox id: stable across retries and restarts (idempotency key, e.g. `webhook-id`). */
  id: string;
  /** The notifier instance, `type/name` (e.g. `slack/oncall`). */
  notifier: string;
  /**
   * What happens: `trigger` (new or repeated firing), `acknowledge`, `resolve`.
   * A group's status is `firing` while any of its alerts fires.
   */
  action: 'trigger' | 'acknowledge' | 'resolve';
  status: 'firing' | 'resolved';
  /** The group key (route + group_by values); stable for the group's life: PagerDuty dedup_key, Opsgenie alias derive from it. */
  groupKey: string;
  /** Labels shared by every alert of the group (at least the group_by labels). */
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  /** The most severe severity among the alerts. */
  severity: Severity;
  alerts: NotifiedAlert[];
  /** When the notification was created (ms). */
  createdAt: number;
}

/** One alert inside a notification, with its rendered links. */
export interface NotifiedAlert {
  id: string;
  name: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  startsAt: number;
  /** Set when resolved. */
  endsAt: number | null;
  acknowledged: { by: string; note: string; at: number } | null;
  /** `{trace_id, url}` per example trace; `url` from `alerting.trace_url_template`, empty when none is set. */
  traces: Array<{ traceId: string; url: string }>;
}

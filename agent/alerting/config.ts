// Config of the alerting service (top-level `alerting` section): rules, the route tree, inhibition,
// escalation policies and mute time intervals, in the Prometheus/Alertmanager dialect.
import { z } from 'zod';
import { duration, num, stringMap } from '../../config/schema-helpers.js';
import { SEVERITIES } from './model.js';

const regex = z.string().superRefine((v, ctx) => {
  try { new RegExp(v); } catch (e) { ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(e as Error).message}` }); }
});
const regexMap = z.record(z.string(), regex);
const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name (letters, digits, _)');

/** One alert rule (`alerting.rules[]`, also the body of `POST /api/alert-rules`). */
export const ruleSchema = z.strictObject({
  /** The alert's name (`alertname` label); unique among rules. */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_:.-]*$/, 'name must start with a letter or _ and hold letters, digits, _ : . -'),
  /** A derived metric (span_rate, span_error_ratio, span_latency_p50|p95|p99, slo_burn_rate, …) or any signal by name. */
  metric: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'metric must be a signal name'),
  /** Equality matchers on the signal's labels (e.g. `{ service_name: checkout }`). */
  labels: stringMap().prefault({}),
  /** Regex matchers (anchored, as in PromQL `=~`). */
  labels_re: regexMap.prefault({}),
  /** Labels kept per alert (PromQL `sum by`); default: `service_name` for span and cost metrics, all labels otherwise, plus the matchers' keys. */
  by: z.array(labelName).optional(),
  /** Lookback (ms): the rate/ratio/quantile window, or how far back a gauge's newest value may lie. */
  window: duration().prefault('5m'),
  operator: z.enum(['gt', 'gte', 'lt', 'lte', 'eq', 'ne']).prefault('gt'),
  threshold: num(),
  /** The condition must hold this long (ms) before the alert fires (pending meanwhile). */
  for: duration().prefault('0s'),
  /** A firing alert stays firing this long (ms) after the condition stopped holding. */
  keep_firing_for: duration().prefault('0s'),
  severity: z.enum(SEVERITIES).prefault('medium'),
  /** Extra labels set on every alert of the rule (templated). */
  add_labels: stringMap().prefault({}),
  /** summary, description, runbook_url, … templated with `{{ $labels.x }}` and `{{ $value }}`. */
  annotations: stringMap().prefault({}),
  /** When the query returns no series: `ok` (nothing fires), `alerting` (fires once), `keep_last` (states kept). */
  no_data: z.enum(['ok', 'alerting', 'keep_last']).prefault('ok'),
});
export type RuleConfig = z.output<typeof ruleSchema>;

const groupBy = z.array(z.union([labelName, z.literal('...')]));

/** A route of the tree; timers and group_by are inherited from the parent when unset. */
export interface RouteInput {
  match?: Record<string, string>; match_re?: Record<string, string>; notifiers?: string[]; continue?: boolean;
  group_by?: string[]; group_wait?: unknown; group_interval?: unknown; repeat_interval?: unknown;
  escalation?: string; mute_time_intervals?: string[]; routes?: RouteInput[];
}

const routeFields = {
  /** Equality matchers on the alert's labels (`severity`, `alertname`, `service_name`, …). */
  match: stringMap().prefault({}),
  match_re: regexMap.prefault({}),
  /** Notifier ids (`type/name`) the route's groups are sent to. */
  notifiers: z.array(z.string().min(1)).prefault([]),
  /** Keep walking the siblings after this route matched. */
  continue: z.boolean().prefault(false),
  group_by: groupBy.optional(),
  group_wait: duration().optional(),
  group_interval: duration().optional(),
  repeat_interval: duration().optional(),
  /** An escalation policy's name (`alerting.escalations[].name`). */
  escalation: z.string().optional(),
  mute_time_intervals: z.array(z.string()).prefault([]),
};

export interface RouteConfig {
  match: Record<string, string>; match_re: Record<string, string>; notifiers: string[]; continue: boolean;
  group_by?: string[]; group_wait?: number; group_interval?: number; repeat_interval?: number;
  escalation?: string; mute_time_intervals: string[]; routes: RouteConfig[];
}

export const routeSchema: z.ZodType<RouteConfig, RouteInput> = z.lazy(() => z.strictObject({
  ...routeFields,
  routes: z.array(routeSchema).prefault([]),
})) as unknown as z.ZodType<RouteConfig, RouteInput>;

const inhibitSchema = z.strictObject({
  source_match: stringMap().prefault({}),
  source_match_re: regexMap.prefault({}),
  target_match: stringMap().prefault({}),
  target_match_re: regexMap.prefault({}),
  /** Labels whose values must be equal on source and target (a missing label equals an empty one). */
  equal: z.array(labelName).prefault([]),
});

const escalationSchema = z.strictObject({
  name: z.string().min(1),
  /** Level 0 goes at the group's first notification; level i once `after` (since then) passed while unacknowledged. */
  levels: z.array(z.strictObject({ after: duration().prefault('0s'), notifiers: z.array(z.string().min(1)).min(1) })).min(1),
});

const clock = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM (UTC)');
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const weekdayRange = z.string().superRefine((v, ctx) => {
  if (!v.toLowerCase().split(':').every((d) => WEEKDAYS.includes(d.trim())) || v.split(':').length > 2) {
    ctx.addIssue({ code: 'custom', message: `must be a weekday or a range like monday:friday, got '${v}'` });
  }
});

const muteSchema = z.strictObject({
  name: z.string().min(1),
  time_intervals: z.array(z.strictObject({
    times: z.array(z.strictObject({ start_time: clock, end_time: clock })).prefault([]),
    weekdays: z.array(weekdayRange).prefault([]),
  })).min(1),
});

/** SLO burn-rate tiers as alerts (`SLOBurnRate`), from the slo processor's `slo_alert` signal. */
const sloAlertsSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  /** Severity of the page tiers (1h/5m, 6h/30m). */
  page_severity: z.enum(SEVERITIES).prefault('critical'),
  /** Severity of the ticket tiers (1d/2h, 3d/6h). */
  ticket_severity: z.enum(SEVERITIES).prefault('medium'),
  keep_firing_for: duration().prefault('0s'),
});

export const alertingConfigSchema = z.strictObject({
  /** How often every rule is evaluated (ms). */
  evaluation_interval: duration().prefault('15s'),
  /** Link of an example trace in notifications; `{trace_id}` is replaced by the hex id. */
  trace_url_template: z.string().refine((t) => t === '' || t.includes('{trace_id}'), "must contain '{trace_id}' (e.g. https://jaeger.example.com/trace/{trace_id})").prefault(''),
  /** Example trace ids per alert. */
  max_trace_links: num({ int: true, min: 0, max: 50 }).prefault(5),
  /** Resolved alerts, notification groups and expired silences are kept this long (ms). */
  retention: duration().prefault('30d'),
  /** Notifiers of alerts no route matches (the root route); none: such alerts are recorded, not notified. */
  default_notifiers: z.array(z.string().min(1)).prefault([]),
  /** Root defaults inherited by every route. */
  group_by: groupBy.prefault(['alertname']),
  group_wait: duration().prefault('30s'),
  group_interval: duration().prefault('5m'),
  repeat_interval: duration().prefault('4h'),
  rules: z.array(ruleSchema).prefault([]),
  routes: z.array(routeSchema).prefault([]),
  inhibit_rules: z.array(inhibitSchema).prefault([]),
  escalations: z.array(escalationSchema).prefault([]),
  mute_time_intervals: z.array(muteSchema).prefault([]),
  slo_alerts: sloAlertsSchema.prefault({}),
}).superRefine((c, ctx) => {
  const names = new Set<string>();
  c.rules.forEach((r, i) => {
    if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `rule name '${r.name}' is used twice` });
    names.add(r.name);
  });
  const escalations = new Set(c.escalations.map((e) => e.name));
  const mutes = new Set(c.mute_time_intervals.map((m) => m.name));
  c.escalations.forEach((e, i) => e.levels.forEach((l, j) => {
    if (j > 0 && l.after <= e.levels[j - 1]!.after) ctx.addIssue({ code: 'custom', path: ['escalations', i, 'levels', j, 'after'], message: 'each level\'s after must be later than the previous level\'s' });
  }));
  const walk = (routes: RouteConfig[], path: (string | number)[]) => routes.forEach((r, i) => {
    const p = [...path, i];
    if (r.escalation !== undefined && !escalations.has(r.escalation)) ctx.addIssue({ code: 'custom', path: [...p, 'escalation'], message: `no escalation named '${r.escalation}' in alerting.escalations` });
    r.mute_time_intervals.forEach((m, j) => { if (!mutes.has(m)) ctx.addIssue({ code: 'custom', path: [...p, 'mute_time_intervals', j], message: `no mute time interval named '${m}'` }); });
    walk(r.routes, [...p, 'routes']);
  });
  walk(c.routes, ['routes']);
  if (c.evaluation_interval <= 0) ctx.addIssue({ code: 'custom', path: ['evaluation_interval'], message: 'must be more than 0' });
  if (c.group_interval <= 0) ctx.addIssue({ code: 'custom', path: ['group_interval'], message: 'must be more than 0' });
});

export type AlertingConfig = z.output<typeof alertingConfigSchema>;
export type InhibitRule = AlertingConfig['inhibit_rules'][number];
export type Escalation = AlertingConfig['escalations'][number];
export type MuteInterval = AlertingConfig['mute_time_intervals'][number];

/** Every notifier id the config names (default, routes, escalations) with its key path. */
export function notifierRefs(c: AlertingConfig): Array<{ path: string; id: string }> {
  const out = c.default_notifiers.map((id, i) => ({ path: `default_notifiers.${i}`, id }));
  const walk = (rs: RouteConfig[], at: string) => rs.forEach((r, i) => {
    r.notifiers.forEach((id, j) => out.push({ path: `${at}.${i}.notifiers.${j}`, id }));
    walk(r.routes, `${at}.${i}.routes`);
  });
  walk(c.routes, 'routes');
  c.escalations.forEach((e, i) => e.levels.forEach((l, j) => l.notifiers.forEach((id, k) => out.push({ path: `escalations.${i}.levels.${j}.notifiers.${k}`, id }))));
  return out;
}

/** Every notifier id the config names, once each. */
export function notifierIds(c: AlertingConfig): string[] {
  return [...new Set(notifierRefs(c).map((r) => r.id))];
}

/**
 * Notifier ids the `notifiers` section does not declare, as warnings with key paths (not errors:
 * a channel added through the API may carry the id at run time).
 */
export function unknownNotifiers(c: AlertingConfig, notifiersSection: unknown): Array<{ path: string; message: string }> {
  const declared = new Set(notifiersSection && typeof notifiersSection === 'object' ? Object.keys(notifiersSection) : []);
  return notifierRefs(c).filter((r) => !declared.has(r.id))
    .map((r) => ({ path: `alerting.${r.path}`, message: `no notifier '${r.id}' in the notifiers section; its notifications are dropped unless a channel of that id is added through the API` }));
}

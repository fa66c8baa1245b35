// Prometheus rules for fleet-wide SLOs from the same definitions the sidecars count: recording
// rules over `outrider_slo_events_total` summed across sidecars (window counts exact where no
// sidecar restarted), and the multiwindow burn-rate alerts.
import { stringify } from 'yaml';
import type { SloDefinition } from './config.js';
import { TIERS, WINDOWS, burnFactor, windowLabel } from './evaluate.js';

/** Output shape: a Prometheus rule file, or a prometheus-operator `PrometheusRule` object. */
export type RulesFormat = 'prometheus' | 'prometheus-operator';

/** The alert every burn-rate tier raises (labels `severity`, `long_window`, `short_window`). */
export const BURN_ALERT = 'OutriderSLOErrorBudgetBurn';

const num = (x: number) => String(Number(x.toPrecision(12)));
const q = (s: string) => JSON.stringify(s);

interface Rule { record?: string; alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }

/** The recording and alerting rule groups of one SLO. */
export function sloRuleGroups(d: SloDefinition): Array<{ name: string; rules: Rule[] }> {
  const sel = `slo=${q(d.name)},service=${q(d.service)}`;
  // static on every rule too (promtool's lint wants rules of one name told apart by their labels)
  const ids = { slo: d.name, service: d.service };
  const events = `outrider_slo_events_total{${sel}`;
  const budget = num(1 - d.objective);
  // Prometheus has no calendar ranges: a calendar-month SLO is ruled over a rolling 30d
  const periodMs = d.calendar ? 30 * 86_400_000 : d.window;
  const period = windowLabel(periodMs);
  const windows = [...WINDOWS.map(([w]) => w), period];
  const range = (w: string) => `${events}}[${w}]`;
  const increase = (w: string, more = '') => `outrider_slo:events:increase{${sel}${more},window="${w}"}`;
  // per sidecar series: last − first sample in the window, exact where rate() would extrapolate;
  // a series that reset in the window (a restarted sidecar) falls back to increase()
  const records: Rule[] = windows.map((w) => ({
    record: 'outrider_slo:events:increase',
    expr: `sum by (slo, service, outcome) (((max_over_time(${range(w)}) - min_over_time(${range(w)})) unless resets(${range(w)}) > 0) or increase(${range(w)}))`,
    labels: { slo: d.name, service: d.service, window: w },
  }));
  records.push(...windows.map((w) => ({
    record: 'outrider_slo:sli_error:ratio',
    expr: `sum(${increase(w, ',outcome="bad"')}) / sum(${increase(w)})`,
    labels: { slo: d.name, service: d.service, window: w },
  })));
  records.push(
    { record: 'outrider_slo:sli:ratio', expr: `1 - outrider_slo:sli_error:ratio{${sel}}`, labels: ids },
    { record: 'outrider_slo:burn_rate:ratio', expr: `outrider_slo:sli_error:ratio{${sel}} / ${budget}`, labels: ids },
    { record: 'outrider_slo:error_budget_remaining:ratio', expr: `1 - max without (window) (outrider_slo:burn_rate:ratio{${sel},window="${period}"})`, labels: ids },
    { record: 'outrider_slo:objective:ratio', expr: `vector(${num(d.objective)})`, labels: ids },
  );
  const burn = (w: string) => `max without (window) (outrider_slo:burn_rate:ratio{${sel},window="${w}"})`;
  const conds = TIERS.map((t) => {
    const f = num(burnFactor(t, periodMs));
    let c = `(${burn(t.long)} > ${f} and ${burn(t.short)} > ${f})`;
    if (d.min_events > 0) c = `(${c} and on (slo, service) sum by (slo, service) (${increase(t.long)}) >= ${num(d.min_events)})`;
    return c;
  });
  const alerts: Rule[] = TIERS.map((t, i) => ({
    alert: BURN_ALERT,
    // a slower tier stays quiet while a faster one fires
    expr: i === 0 ? conds[0]! : `${conds[i]} unless on (slo, service) (${conds.slice(0, i).join(' or ')})`,
    labels: { ...ids, severity: t.severity, long_window: t.long, short_window: t.short },
    annotations: {
      summary: `${t.severity} ${d.service} ${d.name}: error budget burn rate is too fast`,
      description: `Burn rate over ${t.long} and ${t.short} is above ${num(burnFactor(t, periodMs))}× (${t.budgetPercent}% of the ${period} budget in ${t.long}).`,
    },
  }));
  return [{ name: `outrider-slo-${d.name}-recordings`, rules: records }, { name: `outrider-slo-${d.name}-alerts`, rules: alerts }];
}

/** The YAML text of the rules for every SLO, in the given format. */
export function sloRulesYaml(defs: readonly SloDefinition[], format: RulesFormat = 'prometheus'): string {
  const groups = defs.flatMap(sloRuleGroups);
  if (format === 'prometheus') return stringify({ groups }, { lineWidth: 0 });
  return stringify({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule',
    metadata: { name: 'outrider-slos', labels: { 'app.kubernetes.io/name': 'outrider' } },
    spec: { groups },
  }, { lineWidth: 0 });
}

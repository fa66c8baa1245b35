// Alert statistics as the admin API returns them: counts by state and severity, mean time to
// acknowledge (fired → acknowledged) and to resolve (fired → resolved), overall and per rule.
import type { AlertStats } from './api.js';
import { SEVERITIES, type AlertRecord, type AlertState } from './model.js';

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const tta = (a: AlertRecord) => (a.acknowledged && a.firedAt !== null ? [a.acknowledged.at - a.firedAt] : []);
const ttr = (a: AlertRecord) => (a.resolvedAt !== null && a.firedAt !== null ? [a.resolvedAt - a.firedAt] : []);

/** Stats over the incidents kept (`retention`); pending alerts count by state only. */
export function computeStats(alerts: AlertRecord[]): AlertStats {
  const byState: Record<AlertState, number> = { pending: 0, firing: 0, acknowledged: 0, resolved: 0 };
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as AlertStats['bySeverity'];
  const rules = new Map<string, AlertRecord[]>();
  for (const a of alerts) {
    byState[a.state]++;
    bySeverity[a.severity]++;
    const l = rules.get(a.name) ?? [];
    l.push(a);
    rules.set(a.name, l);
  }
  return {
    byState, bySeverity,
    mttaMs: mean(alerts.flatMap(tta)),
    mttrMs: mean(alerts.flatMap(ttr)),
    perRule: [...rules.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([rule, l]) => ({
      rule,
      fired: l.filter((a) => a.firedAt !== null).length,
      resolved: l.filter((a) => a.state === 'resolved' && a.firedAt !== null).length,
      mttaMs: mean(l.flatMap(tta)),
      mttrMs: mean(l.flatMap(ttr)),
    })),
  };
}

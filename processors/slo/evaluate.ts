// SLO arithmetic: SLI per window (Σgood/Σtotal), error budget remaining, burn rates and the
// multiwindow multi-burn-rate tiers (Google SRE Workbook ch. 5; factors scaled as Sloth does).
import type { SloDefinition } from './config.js';
import { MINUTE_MS, type MinuteRing } from './minutes.js';

/** The fixed SLI windows, label → minutes; the SLO's own window is added per SLO. */
export const WINDOWS: ReadonlyArray<readonly [string, number]> = [
  ['5m', 5], ['30m', 30], ['1h', 60], ['2h', 120], ['6h', 360], ['1d', 1440], ['3d', 4320],
];

/** A burn-rate tier: alert when both windows burn faster than `factor`. */
export interface Tier { severity: 'page' | 'ticket'; long: string; short: string; budgetPercent: number; longHours: number }

/** The tiers, fastest first (Sloth's google-30d table): a slower tier is suppressed while a faster one fires. */
export const TIERS: readonly Tier[] = [
  { severity: 'page', long: '1h', short: '5m', budgetPercent: 2, longHours: 1 },
  { severity: 'page', long: '6h', short: '30m', budgetPercent: 5, longHours: 6 },
  { severity: 'ticket', long: '1d', short: '2h', budgetPercent: 10, longHours: 24 },
  { severity: 'ticket', long: '3d', short: '6h', budgetPercent: 10, longHours: 72 },
];

/** Sloth's factor: (budget% × period hours / 100) / long window hours (14.4, 6, 3, 1 for 30d). */
export function burnFactor(t: Tier, windowMs: number): number {
  return (t.budgetPercent * (windowMs / 3_600_000) / 100) / t.longHours;
}

/** `30d` for 30 days: the SLO window's label. */
export function windowLabel(windowMs: number): string {
  return `${Math.round(windowMs / 86_400_000)}d`;
}

/** The SLO window at `nowMs`: label, minutes covered so far, and the full period's length (ms). */
export function sloPeriod(def: SloDefinition, nowMs: number): { label: string; minutes: number; ms: number } {
  if (!def.calendar) return { label: windowLabel(def.window), minutes: def.window / MINUTE_MS, ms: def.window };
  const d = new Date(nowMs);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { label: 'month', minutes: Math.floor(nowMs / MINUTE_MS) - start / MINUTE_MS + 1, ms: end - start };
}

export interface WindowStatus { good: number; total: number; /** Σgood/Σtotal; 1 with no events. */ sli: number; /** (1−SLI)/(1−objective). */ burnRate: number }

export interface TierStatus extends Tier {
  factor: number;
  /** Burn rate of the long window. */
  burnRate: number;
  /** Both windows over the factor, the guard passed and no faster tier firing. */
  firing: boolean;
}

/** Everything known about one SLO at one instant (also the admin API's shape). */
export interface SloStatus {
  name: string; service: string; objective: number; window: string;
  /** SLI, good and total over the SLO window. */
  sli: number; good: number; total: number;
  /** 1 − (SLO-window burn rate): 1 untouched, 0 spent, negative overspent. */
  errorBudgetRemaining: number;
  /** Seconds until the budget is spent at the 1h burn rate (Infinity when not burning, 0 when spent). */
  exhaustionSeconds: number;
  windows: Record<string, WindowStatus>;
  burnRates: Record<string, number>;
  tiers: TierStatus[];
}

/** Evaluates one SLO from its minute ring at `nowMs`. */
export function evaluate(def: SloDefinition, ring: MinuteRing, nowMs: number): SloStatus {
  const now = Math.floor(nowMs / MINUTE_MS);
  const budget = 1 - def.objective;
  const p = sloPeriod(def, nowMs);
  const sloWindow = p.label;
  const windows: Record<string, WindowStatus> = {};
  const burnRates: Record<string, number> = {};
  const all: Array<readonly [string, number]> = [...WINDOWS, [sloWindow, p.minutes]];
  for (const [label, minutes] of all) {
    const { good, total } = def.budgeting === 'timeslices' ? ring.slices(now, minutes, def.time_slice_target) : ring.sum(now, minutes);
    const sli = total > 0 ? good / total : 1;
    const burnRate = total > 0 ? (total - good) / total / budget : 0;
    windows[label] = { good, total, sli, burnRate };
    burnRates[label] = burnRate;
  }
  const period = windows[sloWindow]!;
  const remaining = 1 - period.burnRate;
  const hourly = windows['1h']!.burnRate;
  const exhaustionSeconds = remaining <= 0 ? 0 : hourly > 0 ? (remaining * p.ms / 1000) / hourly : Infinity;
  let faster = false;
  const tiers = TIERS.map((t): TierStatus => {
    const factor = burnFactor(t, p.ms);
    const long = windows[t.long]!;
    const short = windows[t.short]!;
    const over = long.burnRate > factor && short.burnRate > factor && long.total >= def.min_events;
    const firing = over && !faster;
    faster ||= over;
    return { ...t, factor, burnRate: long.burnRate, firing };
  });
  return {
    name: def.name, service: def.service, objective: def.objective, window: sloWindow,
    sli: period.sli, good: period.good, total: period.total,
    errorBudgetRemaining: remaining, exhaustionSeconds, windows, burnRates, tiers,
  };
}

// Budgets: spend per UTC day or calendar month of the costs a budget matches, published as the
// signals `budget_spend_usd`, `budget_spend_ratio` and `budget_projected_usd` (labels: budget).
import type Database from 'better-sqlite3';
import type { Signals, SeriesWriter } from '../../agent/signals/signals.js';
import type { BudgetConfig } from './config.js';
import { Rollups } from './rollups.js';

const DAY_MS = 86_400_000;
/** The projection's elapsed time is at least this, so a period's first seconds do not project wildly. */
export const MIN_ELAPSED_MS = 60_000;

/** [start, end) of the period containing `ms`, UTC. */
export function periodOf(period: 'day' | 'month', ms: number): [number, number] {
  if (period === 'day') { const s = Math.floor(ms / DAY_MS) * DAY_MS; return [s, s + DAY_MS]; }
  const d = new Date(ms);
  return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
}

interface Tracked {
  cfg: BudgetConfig;
  service: string | undefined;
  kind: string | undefined;
  model: string | undefined;
  /** The attribution key the budget matches on ('' for none) and its value. */
  attrKey: string;
  attrValue: string;
  start: number;
  end: number;
  spend: number;
  spendW?: SeriesWriter;
  ratioW?: SeriesWriter;
  projectedW?: SeriesWriter;
  limitW?: SeriesWriter;
}

/**
 * Spend so far in each budget's period, from the costs the processor records. Projection:
 * `spend × period length ÷ elapsed` — the average rate since the period began, held to its end
 * (elapsed at least {@link MIN_ELAPSED_MS}).
 */
export class Budgets {
  private readonly tracked: Tracked[];

  constructor(cfgs: readonly BudgetConfig[]) {
    this.tracked = cfgs.map((cfg) => {
      const attr = Object.entries(cfg.match).find(([k]) => k !== 'service_name' && k !== 'kind' && k !== 'model');
      return {
        cfg, service: cfg.match.service_name, kind: cfg.match.kind, model: cfg.match.model,
        attrKey: attr?.[0] ?? '', attrValue: attr?.[1] ?? '', start: 0, end: 0, spend: 0,
      };
    });
  }

  get size(): number { return this.tracked.length; }

  /** Registers the gauges and loads the current periods' spend already in the store. */
  start(signals: Signals | undefined, db: Database.Database | undefined, nowMs: number): void {
    const g = (name: string) => signals?.gauge(name, ['budget']);
    const spend = g('budget_spend_usd'), ratio = g('budget_spend_ratio'), projected = g('budget_projected_usd'), limit = g('budget_limit_usd');
    for (const t of this.tracked) {
      [t.start, t.end] = periodOf(t.cfg.period, nowMs);
      t.spend = db ? Rollups.spentSince(db, t.start, { service: t.service, kind: t.kind, model: t.model, attr: t.attrKey ? [t.attrKey, t.attrValue] : undefined }) : 0;
      t.spendW = spend?.series([t.cfg.name]);
      t.ratioW = ratio?.series([t.cfg.name]);
      t.projectedW = projected?.series([t.cfg.name]);
      t.limitW = limit?.series([t.cfg.name]);
    }
    this.publish(nowMs);
  }

  /** Adds a rollup cell's USD to every budget it matches (cells of attribution key '' or the budget's key). */
  add(service: string, kind: string, model: string, attrKey: string, attrValue: string, usd: number, atMs: number): void {
    for (const t of this.tracked) {
      if (t.attrKey !== attrKey || (attrKey && t.attrValue !== attrValue)) continue;
      if ((t.service !== undefined && t.service !== service) || (t.kind !== undefined && t.kind !== kind) || (t.model !== undefined && t.model !== model)) continue;
      this.roll(t, atMs);
      t.spend += usd;
    }
  }

  private roll(t: Tracked, nowMs: number): void {
    if (nowMs >= t.end || nowMs < t.start) { [t.start, t.end] = periodOf(t.cfg.period, nowMs); t.spend = 0; }
  }

  /** The current figures of one budget. */
  state(name: string, nowMs: number): { spendUsd: number; ratio: number; projectedUsd: number } | undefined {
    const t = this.tracked.find((x) => x.cfg.name === name);
    if (!t) return undefined;
    this.roll(t, nowMs);
    const elapsed = Math.max(nowMs - t.start, MIN_ELAPSED_MS);
    const projected = t.spend * ((t.end - t.start) / elapsed);
    const ratio = t.cfg.limit_usd > 0 ? t.spend / t.cfg.limit_usd : t.spend > 0 ? Infinity : 0;
    return { spendUsd: t.spend, ratio, projectedUsd: projected };
  }

  /** Sets the gauges to the current figures. */
  publish(nowMs: number): void {
    for (const t of this.tracked) {
      const s = this.state(t.cfg.name, nowMs)!;
      t.spendW?.set(s.spendUsd, nowMs);
      t.ratioW?.set(s.ratio, nowMs);
      t.projectedW?.set(s.projectedUsd, nowMs);
      t.limitW?.set(t.cfg.limit_usd, nowMs);
    }
  }
}

// Ratio SLIs over received metrics: the increments of monotonic counters (OTLP Sums) selected by
// each SLO's good|bad and total selectors, per series from cumulative points (resets and start
// time changes handled) or as they come from delta points.
import { valueText } from '../../agent/metric-registry/labels.js';
import { Temporality, type KeyValue, type MetricsData, type NumberDataPoint } from '../../agent/pdata/model.js';
import type { SloDefinition } from './config.js';
import { selects, type Selector } from './selector.js';

/** Per SLO (by index), what one batch adds: good and total events; `commit` keeps its series' values once the batch is accepted. */
export interface RatioCounts { good: Float64Array; total: Float64Array; commit(): void }

interface Last { start: bigint; time: bigint; value: number; /** agent clock, ms */ seen: number }

/** One selector of one SLO; `sign` −1 for `bad` (good = total − bad). */
interface Use { slo: number; sel: Selector; role: 'good' | 'total'; sign: 1 | -1 }

const num = (v: number | bigint) => (typeof v === 'bigint' ? Number(v) : v);

/**
 * Turns received metrics into good/total increments of ratio SLOs. A cumulative series seen for the
 * first time counts its value only when it started after `sinceNs` (the agent was watching);
 * otherwise that first point is the baseline. A lower value or a new start time is a reset: the
 * new value is the increment.
 */
export class RatioCounter {
  private readonly byName = new Map<string, Use[]>();
  private readonly last = new Map<string, Last>();

  /** @param sinceNs when counting began (ns since the epoch) */
  constructor(private readonly defs: readonly SloDefinition[], private readonly sinceNs: bigint) {
    defs.forEach((d, slo) => {
      if (d.sli.kind !== 'ratio') return;
      const r = d.sli.ratio;
      const uses: Use[] = [{ slo, sel: r.total, role: 'total', sign: 1 }];
      if (r.good) uses.push({ slo, sel: r.good, role: 'good', sign: 1 });
      // bad/total: a total increment is a good one until the bad counter takes it back
      else uses.push({ slo, sel: r.total, role: 'good', sign: 1 }, { slo, sel: r.bad!, role: 'good', sign: -1 });
      for (const u of uses) this.byName.set(u.sel.name, [...(this.byName.get(u.sel.name) ?? []), u]);
    });
  }

  /** Forgets the series not reported since `beforeMs` (agent clock): their next point is a new baseline. */
  expire(beforeMs: number): void {
    for (const [k, l] of this.last) if (l.seen < beforeMs) this.last.delete(k);
  }

  /** The increments this batch (received at `nowMs`) adds per SLO, or undefined when it holds none of the selected counters. */
  count(md: MetricsData, nowMs: number): RatioCounts | undefined {
    let out: RatioCounts | undefined;
    // the batch's points per series: kept only when the batch is accepted, so one sent again counts once
    const staged = new Map<string, Last>();
    for (const rm of md.resourceMetrics) {
      const resAttrs = rm.resource?.attributes ?? [];
      let resKey: string | undefined;
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          const uses = this.byName.get(m.name);
          if (!uses || m.data?.type !== 'sum' || !m.data.isMonotonic) continue;
          const cumulative = m.data.aggregationTemporality === Temporality.CUMULATIVE;
          if (!cumulative && m.data.aggregationTemporality !== Temporality.DELTA) continue;
          for (const p of m.data.dataPoints) {
            const get = (k: string) => text(p.attributes, k) ?? text(resAttrs, k);
            let inc: number | undefined;
            for (const u of uses) {
              if (!selects(u.sel, get)) continue;
              if (inc === undefined) {
                resKey ??= labelKey(resAttrs);
                inc = cumulative ? this.increment(staged, `${m.name}\u0001${resKey}\u0001${labelKey(p.attributes)}`, p, nowMs) : Math.max(0, num(p.value));
              }
              if (inc === 0) break;
              out ??= this.counts(staged);
              out[u.role][u.slo]! += u.sign * inc;
            }
          }
        }
      }
    }
    return out ?? (staged.size > 0 ? this.counts(staged) : undefined);
  }

  private counts(staged: Map<string, Last>): RatioCounts {
    return { good: new Float64Array(this.defs.length), total: new Float64Array(this.defs.length), commit: () => { for (const [k, l] of staged) this.last.set(k, l); } };
  }

  private increment(staged: Map<string, Last>, key: string, p: NumberDataPoint, nowMs: number): number {
    const value = num(p.value);
    if (!Number.isFinite(value) || value < 0) return 0;
    const prev = staged.get(key) ?? this.last.get(key);
    if (prev && p.timeUnixNano !== 0n && p.timeUnixNano <= prev.time) return 0; // a repeat or an older point
    staged.set(key, { start: p.startTimeUnixNano, time: p.timeUnixNano, value, seen: nowMs });
    if (!prev) return p.startTimeUnixNano !== 0n && p.startTimeUnixNano >= this.sinceNs ? value : 0;
    if (p.startTimeUnixNano !== prev.start || value < prev.value) return value; // restarted from 0
    return value - prev.value;
  }
}

function text(attrs: readonly KeyValue[], key: string): string | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.key === key) return valueText(attrs[i]!.value);
  return undefined;
}

/** A series identity from attributes, independent of their order. */
function labelKey(attrs: readonly KeyValue[]): string {
  if (attrs.length === 0) return '';
  return attrs.map((a) => `${a.key}\u0000${valueText(a.value)}`).sort().join('\u0002');
}

/**
 * What the `outrider_slo_events_total` counters of ratio SLOs may add: a good or bad increment of
 * one batch can be negative when a good (or bad) counter's point came in an earlier batch than the
 * matching total; the counters show good = min(Σgood, Σtotal) and bad = Σtotal − that, never going back.
 */
export class OutcomeTotals {
  private readonly sum: Float64Array;
  private readonly shown: Float64Array;

  constructor(slos: number) {
    this.sum = new Float64Array(2 * slos);
    this.shown = new Float64Array(2 * slos);
  }

  /** Adds a batch's good/total of SLO `i`; returns the [good, bad] increments to expose (≥ 0). */
  advance(i: number, good: number, total: number): [number, number] {
    const g = (this.sum[2 * i]! += good);
    const t = (this.sum[2 * i + 1]! += total);
    const wantGood = Math.min(Math.max(g, 0), Math.max(t, 0));
    const wantBad = Math.max(t, 0) - wantGood;
    const incGood = Math.max(0, wantGood - this.shown[2 * i]!);
    const incBad = Math.max(0, wantBad - this.shown[2 * i + 1]!);
    this.shown[2 * i]! += incGood;
    this.shown[2 * i + 1]! += incBad;
    return [incGood, incBad];
  }
}

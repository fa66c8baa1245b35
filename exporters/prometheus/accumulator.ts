// Holds the latest cumulative state of every translated series: delta → cumulative, resets,
// out-of-order points, NoRecordedValue deletion and expiration (Collector's accumulator.go rules).
import type { ExemplarRef, Family, FamilyType, HistogramSeries, NumberSeries, SummarySeries } from '../../agent/metric-registry.js';
import { ExpHistogramState, isMergeable, PROMETHEUS_SCALES } from '../../agent/metric-registry/exp-histogram.js';

interface Times { startNs: bigint; timeNs: bigint; updatedMs: number; timestampMs?: number | undefined }
type NumEntry = NumberSeries & Times;
type HistEntry = HistogramSeries & Times & { counts: number[]; exemplars: (ExemplarRef | undefined)[] | undefined };
type ExpEntry = Times & { labels: string; state: ExpHistogramState };
type SumEntry = SummarySeries & Times;

type Kind = 'number' | 'histogram' | 'exp' | 'summary';
interface Fam { name: string; help: string; type: FamilyType; kind: Kind; series: Map<string, any> }

/** Where a point's value goes: `replace` (gauges, cumulative sums) or `delta` (monotonic delta sums). */
export type NumberMode = 'replace' | 'delta';

/** A histogram point as the accumulator takes it (bounds and counts already aligned). */
export interface HistPoint { startNs: bigint; timeNs: bigint; bounds: number[]; counts: number[]; sum: number; count: number; exemplars: (ExemplarRef | undefined)[] | undefined }
/** An exponential histogram point (OTLP fields). */
export interface ExpPoint { startNs: bigint; timeNs: bigint; scale: number; zeroCount: number; zeroThreshold: number; sum: number | undefined; count: number;
  positive: { offset: number; bucketCounts: number[] } | null; negative: { offset: number; bucketCounts: number[] } | null }

/**
 * Why a point was not applied (for logging and counting); `invalid_scale`: an exponential
 * histogram point with a scale below −4 (or not an integer, or above 20), which the Collector drops.
 */
export type Rejection = 'type_conflict' | 'out_of_order' | 'misaligned_delta' | 'invalid_scale';

/** Accumulated series of one exporter, grouped by family. */
export class Accumulator {
  private readonly fams = new Map<string, Fam>();
  /** Called when a point is dropped. */
  onReject: (family: string, why: Rejection) => void = () => {};

  constructor(private readonly expirationMs: number, private readonly sendTimestamps: boolean) {}

  private family(name: string, help: string, type: FamilyType, kind: Kind): Fam | undefined {
    let f = this.fams.get(name);
    if (!f) {
      f = { name, help, type, kind, series: new Map() };
      this.fams.set(name, f);
    } else if (f.type !== type || f.kind !== kind) {
      this.onReject(name, 'type_conflict');
      return undefined;
    }
    if (help) f.help = help;
    return f;
  }

  private stamp(e: Times, timeNs: bigint, nowMs: number): void {
    e.updatedMs = nowMs;
    e.timestampMs = this.sendTimestamps ? Number(timeNs / 1_000_000n) : undefined;
  }

  /**
   * How a histogram point meets the stored series (the Collector's rules): `fresh` replaces it
   * (first point, cumulative, or a delta starting after the stored end: a reset), `merge` adds a
   * delta that starts where the stored one ends, `drop` (counted) for older or overlapping points.
   */
  private admit(name: string, e: Times | undefined, p: { startNs: bigint; timeNs: bigint }, delta: boolean): 'fresh' | 'merge' | 'drop' {
    if (!e) return 'fresh';
    if (p.timeNs < e.timeNs) { this.onReject(name, 'out_of_order'); return 'drop'; }
    if (!delta || p.startNs > e.timeNs) return 'fresh';
    if (p.startNs < e.timeNs) { this.onReject(name, 'misaligned_delta'); return 'drop'; }
    return 'merge';
  }

  /** A counter, gauge or unknown point. */
  number(name: string, help: string, type: FamilyType, labels: string, p: { startNs: bigint; timeNs: bigint; value: number; exemplar?: ExemplarRef | undefined }, mode: NumberMode, nowMs: number): void {
    const f = this.family(name, help, type, 'number');
    if (!f) return;
    const e = f.series.get(labels) as NumEntry | undefined;
    if (!e) {
      const n: NumEntry = { labels, value: p.value, exemplar: p.exemplar, startNs: p.startNs, timeNs: p.timeNs, updatedMs: nowMs };
      this.stamp(n, p.timeNs, nowMs);
      f.series.set(labels, n);
      return;
    }
    if (p.timeNs < e.timeNs) return this.onReject(name, 'out_of_order');
    if (mode === 'delta' && p.startNs === e.timeNs) e.value += p.value;
    else { e.value = p.value; e.startNs = p.startNs; }
    e.timeNs = p.timeNs;
    if (p.exemplar) e.exemplar = p.exemplar;
    this.stamp(e, p.timeNs, nowMs);
  }

  /** A classic histogram point; `delta` merges onto the stored cumulative. */
  histogram(name: string, help: string, labels: string, p: HistPoint, delta: boolean, nowMs: number): void {
    const f = this.family(name, help, 'histogram', 'histogram');
    if (!f) return;
    const e = f.series.get(labels) as HistEntry | undefined;
    const fresh = (): void => {
      const n: HistEntry = { labels, bounds: p.bounds, counts: p.counts, sum: p.sum, count: p.count, exemplars: p.exemplars, startNs: p.startNs, timeNs: p.timeNs, updatedMs: nowMs };
      this.stamp(n, p.timeNs, nowMs);
      f.series.set(labels, n);
    };
    const how = this.admit(name, e, p, delta);
    if (how === 'drop') return;
    if (how === 'fresh' || !e || !sameBounds(e.bounds, p.bounds)) return fresh();
    for (let i = 0; i < e.counts.length; i++) e.counts[i]! += p.counts[i]!;
    e.sum += p.sum;
    e.count += p.count;
    if (p.exemplars) {
      e.exemplars ??= new Array(e.counts.length).fill(undefined);
      p.exemplars.forEach((x, i) => { if (x) e.exemplars![i] = x; });
    }
    e.timeNs = p.timeNs;
    this.stamp(e, p.timeNs, nowMs);
  }

  /**
   * An exponential histogram point (exposed as classic buckets): scales above 8 are downscaled to 8,
   * points below −4 are dropped; `delta` merges at the smaller scale.
   */
  expHistogram(name: string, help: string, labels: string, p: ExpPoint, delta: boolean, nowMs: number): void {
    if (!isMergeable(p, PROMETHEUS_SCALES)) return this.onReject(name, 'invalid_scale');
    const f = this.family(name, help, 'histogram', 'exp');
    if (!f) return;
    const e = f.series.get(labels) as ExpEntry | undefined;
    const fresh = (): void => {
      const state = new ExpHistogramState(1 << 12, PROMETHEUS_SCALES);
      state.merge(p);
      const n: ExpEntry = { labels, state, startNs: p.startNs, timeNs: p.timeNs, updatedMs: nowMs };
      this.stamp(n, p.timeNs, nowMs);
      f.series.set(labels, n);
    };
    const how = this.admit(name, e, p, delta);
    if (how === 'drop') return;
    if (how === 'fresh' || !e) return fresh();
    e.state.merge(p);
    e.timeNs = p.timeNs;
    this.stamp(e, p.timeNs, nowMs);
  }

  /** A summary point (always cumulative). */
  summary(name: string, help: string, labels: string, p: { startNs: bigint; timeNs: bigint; sum: number; count: number; quantiles: { quantile: number; value: number }[] }, nowMs: number): void {
    const f = this.family(name, help, 'summary', 'summary');
    if (!f) return;
    const e = f.series.get(labels) as SumEntry | undefined;
    if (e && p.timeNs < e.timeNs) return this.onReject(name, 'out_of_order');
    const n: SumEntry = { labels, quantiles: p.quantiles, sum: p.sum, count: p.count, startNs: p.startNs, timeNs: p.timeNs, updatedMs: nowMs };
    this.stamp(n, p.timeNs, nowMs);
    f.series.set(labels, n);
  }

  /** Deletes one series (an OTLP point flagged NoRecordedValue). */
  remove(name: string, labels: string): void {
    const f = this.fams.get(name);
    if (!f) return;
    f.series.delete(labels);
    if (f.series.size === 0) this.fams.delete(name);
  }

  /** Drops series not updated within the expiration (0 = never) and empty families. */
  expire(nowMs: number): number {
    if (this.expirationMs <= 0) return 0;
    let n = 0;
    for (const [name, f] of this.fams) {
      for (const [k, e] of f.series) {
        if (nowMs - (e as Times).updatedMs > this.expirationMs) { f.series.delete(k); n++; }
      }
      if (f.series.size === 0) this.fams.delete(name);
    }
    return n;
  }

  /** Number of series held. */
  get size(): number {
    let n = 0;
    for (const f of this.fams.values()) n += f.series.size;
    return n;
  }

  /** The families as the registry renders them. */
  families(): Family[] {
    const out: Family[] = [];
    for (const f of this.fams.values()) {
      if (f.kind === 'exp') {
        const series: HistogramSeries[] = [];
        for (const e of f.series.values() as Iterable<ExpEntry>) series.push({ labels: e.labels, timestampMs: e.timestampMs, ...e.state.toClassic() });
        out.push({ name: f.name, help: f.help, type: 'histogram', series });
      } else {
        out.push({ name: f.name, help: f.help, type: f.type, series: f.series.values() } as Family);
      }
    }
    return out;
  }
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// The signals service: processors publish the series they derive (span calls and latency, SLO
// events, cost, sampling decisions); alert rules, the admin API and the console read them by
// name, labels and window from a bounded in-memory ring of recent steps.
import type { Counter } from '@opentelemetry/api';
import type { Clock, Timer } from '../clock.js';
import { serviceKey } from '../service.js';
import { ExemplarStore } from './exemplars.js';
import { MergedSketch } from './sketch.js';
import { Series, type SignalKind, type StepSource } from './series.js';
import type { SignalsConfig } from './config.js';

export type { SignalKind } from './series.js';

/** Label matchers: a string matches exactly, a RegExp must match the whole value. */
export type Matchers = Readonly<Record<string, string | RegExp>>;

/**
 * A handle to write one series; cache it on the hot path. `atMs` (the writer's `clock.now()`,
 * read once per batch) saves a clock call per write; without it the write lands in the current step.
 */
export interface SeriesWriter {
  /** Counter: add n ≥ 0. */
  add(n: number, atMs?: number): void;
  /** Gauge: set the current value. */
  set(v: number, atMs?: number): void;
  /** Distribution: one observation, weighted by its adjusted count. */
  observe(v: number, weight?: number, atMs?: number): void;
}

/** A signal: a named family of series with fixed label names. */
export interface Signal {
  readonly name: string;
  readonly kind: SignalKind;
  readonly labelNames: readonly string[];
  /** The series for these label values (in `labelNames` order); created on first use, within the cap. */
  series(values: readonly string[]): SeriesWriter;
}

/** What a reader sees of one series. */
export interface SeriesView {
  readonly labels: Readonly<Record<string, string>>;
  /** Counter: increase over the window; distribution: weighted observation count. */
  increase(windowMs: number): number;
  /** Gauge: newest value within the window. */
  last(windowMs: number): number | undefined;
  /** Distribution: count, sum, min, max and quantiles over the window. */
  distribution(windowMs: number): MergedSketch;
}

/** The API of the signals service (`host.service(SIGNALS)`). */
export interface Signals {
  /** Get-or-create: a signal of the same name, kind and label names is shared (and survives a reload). */
  counter(name: string, labelNames: readonly string[]): Signal;
  gauge(name: string, labelNames: readonly string[]): Signal;
  distribution(name: string, labelNames: readonly string[]): Signal;
  /** Names of the signals published so far. */
  names(): string[];
  /** The kind of a signal, or undefined when none has that name. */
  kindOf(name: string): SignalKind | undefined;
  /** Every live series of `name` whose labels match. */
  select(name: string, matchers?: Matchers): SeriesView[];
  /** Sum over matching series of their increase (counters) or observation count (distributions). */
  increase(name: string, matchers: Matchers, windowMs: number): number;
  /** `increase` per second. */
  rate(name: string, matchers: Matchers, windowMs: number): number;
  /** The q-quantile of a distribution over matching series and the window; undefined with no data. */
  quantile(name: string, matchers: Matchers, q: number, windowMs: number): number | undefined;
  /** Count, sum, min, max and quantiles of a distribution over matching series and the window. */
  summarize(name: string, matchers: Matchers, windowMs: number): MergedSketch;
  /** Records an example trace id (hex) under `name` with its labels (e.g. an error span's, `span_errors`). */
  recordTrace(name: string, labels: Readonly<Record<string, string>>, traceId: string, atMs?: number): void;
  /** Up to `max` recent example trace ids under `name` whose labels match, from the last `windowMs`, newest first. */
  traceIds(name: string, matchers: Matchers, windowMs: number, max: number): string[];
  /** The step length (ms) and how many steps the ring keeps. */
  readonly stepMs: number;
  readonly steps: number;
}

export const SIGNALS = serviceKey<Signals>('signals');

/** Label value of the series that takes writes beyond `max_series`. */
export const OVERFLOW_VALUE = '__overflow__';

function matches(labelNames: readonly string[], values: readonly string[], m: Matchers | undefined): boolean {
  if (!m) return true;
  for (const [k, want] of Object.entries(m)) {
    const i = labelNames.indexOf(k);
    const v = i >= 0 ? values[i]! : '';
    if (typeof want === 'string' ? v !== want : !new RegExp(`^(?:${want.source})$`, want.flags).test(v)) return false;
  }
  return true;
}

class SignalFamily implements Signal {
  readonly table = new Map<string, Series>();
  private overflowSeries: Series | undefined;

  constructor(
    readonly name: string,
    readonly kind: SignalKind,
    readonly labelNames: readonly string[],
    private readonly src: StepSource,
    private readonly maxSeries: number,
    private readonly onOverflow: (name: string) => void,
  ) {}

  series(values: readonly string[]): SeriesWriter {
    const key = values.join('\u0000');
    const found = this.table.get(key);
    if (found) return found;
    if (this.table.size >= this.maxSeries) return this.overflow();
    const s = new Series(this.kind, values.slice(), this.src, (x) => this.reenter(x));
    this.table.set(key, s);
    return s;
  }

  /** A swept series written again comes back (or, past the cap, its writes go to the overflow series). */
  private reenter(s: Series): void {
    const key = s.values.join('\u0000');
    if (this.table.has(key) || this.table.size >= this.maxSeries) { this.onOverflow(this.name); return; }
    this.table.set(key, s);
  }

  private overflow(): Series {
    this.onOverflow(this.name);
    if (!this.overflowSeries) {
      const values = this.labelNames.map(() => OVERFLOW_VALUE);
      this.overflowSeries = new Series(this.kind, values, this.src, () => {});
      this.table.set(values.join('\u0000'), this.overflowSeries);
    }
    return this.overflowSeries;
  }

  /** Drops series with nothing left inside retention. */
  sweep(current: number): number {
    let n = 0;
    for (const [key, s] of this.table) {
      if (s !== this.overflowSeries && s.stale(current)) { s.live = false; this.table.delete(key); n++; }
    }
    return n;
  }
}

/** The in-memory signals store: one per agent. */
export class SignalStore implements Signals, StepSource {
  readonly stepMs: number;
  readonly steps: number;
  private readonly families = new Map<string, SignalFamily>();
  private readonly exemplars = new ExemplarStore();
  private sweeper: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly cfg: SignalsConfig,
    /** Counts writes that went to an overflow series (optional self metric). */
    private readonly overflowCounter?: Counter,
  ) {
    this.stepMs = cfg.step;
    this.steps = Math.max(2, Math.ceil(cfg.retention / cfg.step) + 1);
  }

  currentStep(): number {
    return Math.floor(this.clock.now() / this.stepMs);
  }

  stepOf(ms: number): number {
    return Math.floor(ms / this.stepMs);
  }

  /** Sweeps stale series every few steps (they come back when written again). */
  start(): void {
    this.sweeper ??= this.clock.setInterval(() => this.sweep(), Math.max(this.stepMs, this.cfg.retention / 4)).unref();
  }

  stop(): void {
    this.sweeper?.cancel();
    this.sweeper = undefined;
  }

  /** Drops stale series; returns how many. */
  sweep(): number {
    const cur = this.currentStep();
    let n = 0;
    for (const f of this.families.values()) n += f.sweep(cur);
    return n;
  }

  /** Live series across all signals. */
  get seriesCount(): number {
    let n = 0;
    for (const f of this.families.values()) n += f.table.size;
    return n;
  }

  private family(name: string, kind: SignalKind, labelNames: readonly string[]): Signal {
    const f = this.families.get(name);
    if (f && f.kind === kind && f.labelNames.length === labelNames.length && f.labelNames.every((l, i) => l === labelNames[i])) return f;
    const created = new SignalFamily(name, kind, [...labelNames], this, this.cfg.max_series,
      (n) => this.overflowCounter?.add(1, { signal: n }));
    this.families.set(name, created);
    return created;
  }

  counter(name: string, labelNames: readonly string[]): Signal { return this.family(name, 'counter', labelNames); }
  gauge(name: string, labelNames: readonly string[]): Signal { return this.family(name, 'gauge', labelNames); }
  distribution(name: string, labelNames: readonly string[]): Signal { return this.family(name, 'distribution', labelNames); }

  names(): string[] { return [...this.families.keys()]; }

  kindOf(name: string): SignalKind | undefined { return this.families.get(name)?.kind; }

  select(name: string, matchers?: Matchers): SeriesView[] {
    const f = this.families.get(name);
    if (!f) return [];
    const out: SeriesView[] = [];
    for (const s of f.table.values()) {
      if (!matches(f.labelNames, s.values, matchers)) continue;
      const labels = Object.fromEntries(f.labelNames.map((l, i) => [l, s.values[i]!]));
      out.push({
        labels,
        increase: (w) => s.increase(w),
        last: (w) => s.last(w),
        distribution: (w) => { const m = new MergedSketch(); s.mergeInto(m, w); return m; },
      });
    }
    return out;
  }

  increase(name: string, matchers: Matchers, windowMs: number): number {
    let sum = 0;
    for (const v of this.select(name, matchers)) sum += v.increase(windowMs);
    return sum;
  }

  rate(name: string, matchers: Matchers, windowMs: number): number {
    return this.increase(name, matchers, windowMs) / (windowMs / 1000);
  }

  summarize(name: string, matchers: Matchers, windowMs: number): MergedSketch {
    const m = new MergedSketch();
    const f = this.families.get(name);
    if (!f) return m;
    for (const s of f.table.values()) if (matches(f.labelNames, s.values, matchers)) s.mergeInto(m, windowMs);
    return m;
  }

  recordTrace(name: string, labels: Readonly<Record<string, string>>, traceId: string, atMs?: number): void {
    this.exemplars.record(name, labels, traceId, atMs ?? this.clock.now());
  }

  traceIds(name: string, matchers: Matchers, windowMs: number, max: number): string[] {
    return this.exemplars.recent(name, matchers, this.clock.now() - windowMs, max);
  }

  quantile(name: string, matchers: Matchers, q: number, windowMs: number): number | undefined {
    return this.summarize(name, matchers, windowMs).quantile(q);
  }
}

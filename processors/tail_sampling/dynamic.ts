// The `dynamic` policy, after Honeycomb Refinery's EMADynamicSampler: traces are keyed by a few
// low-cardinality fields; per key, a sample rate is set from an exponential moving average of its
// traffic so that the whole keeps about 1 in goal_sample_rate, rare keys kept whole and frequent
// ones thinned on a log curve. Decisions are consistent (OTEP 235 thresholds of 1/rate).
import type { Clock, Timer } from '../../agent/clock.js';
import { thresholdForProbability } from '../../agent/sampling/otep235.js';
import { roundThreshold } from '../../agent/sampling/record.js';
import type { LeafPolicyConfig } from './policy-config.js';
import type { FactSchema } from './facts.js';
import type { Outcome, TraceView } from './trace-view.js';

type DynamicConfig = Extract<LeafPolicyConfig, { type: 'dynamic' }>['dynamic'];

/** Key of traces beyond `max_keys`. */
export const OVERFLOW_KEY = '__overflow__';
/** A key whose moving average falls below this is forgotten (Refinery's AgeOutValue). */
const AGE_OUT = 0.5;

/**
 * Sample rates (≥ 1) per key from per-key counts, so that the kept total is about
 * sum(counts) / goal (dynsampler-go's AvgSampleRate): each key gets a share of the goal on a
 * log10 curve of its count; what a small key does not use passes on to the larger ones.
 */
export function computeRates(counts: ReadonlyMap<string, number>, goal: number): Map<string, number> {
  const rates = new Map<string, number>();
  const keys = [...counts.keys()].sort((a, b) => counts.get(a)! - counts.get(b)! || (a < b ? -1 : 1));
  const sum = keys.reduce((a, k) => a + counts.get(k)!, 0);
  if (sum === 0) return rates;
  const logSum = keys.reduce((a, k) => a + Math.log10(Math.max(1, counts.get(k)!)), 0);
  const ratio = logSum > 0 ? sum / goal / logSum : 0;
  let extra = 0;
  keys.forEach((k, i) => {
    const count = Math.max(1, counts.get(k)!);
    const share = extra / (keys.length - i);
    const goalForKey = Math.max(1, Math.log10(count) * ratio) + share;
    extra -= share;
    if (count <= goalForKey) {
      rates.set(k, 1);
      extra += goalForKey - count;
    } else {
      const rate = count / goalForKey;
      rates.set(k, rate);
      extra += goalForKey - count / rate;
    }
  });
  return rates;
}

/** State of one `dynamic` policy: counts this interval, moving averages, current rates. */
export class DynamicSampler {
  private counts = new Map<string, number>();
  private readonly ema = new Map<string, number>();
  private rates = new Map<string, number>();
  private readonly thresholds = new Map<number, bigint>();
  private timer: Timer | undefined;
  /** The key fields, as indices of the recorded facts. */
  private readonly fields: number[];

  constructor(private readonly cfg: DynamicConfig, private readonly clock: Clock, facts: FactSchema) {
    this.fields = cfg.key_fields.map((f) => facts.field(f));
  }

  start(): void {
    this.timer ??= this.clock.setInterval(() => this.adjust(), this.cfg.adjustment_interval).unref();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The key of a trace: each field from the root span (or its resource) if the trace has one, else the first span with it. */
  keyOf(t: TraceView): string {
    const f = this.fields;
    let key = t.fieldText(f[0]!);
    for (let i = 1; i < f.length; i++) key += '\u001f' + t.fieldText(f[i]!);
    return key;
  }

  /** The current sample rate of a key (1 for a key not seen in an adjustment yet). */
  rateOf(key: string): number {
    return this.rates.get(key) ?? 1;
  }

  evaluate(t: TraceView): Outcome {
    let key = this.keyOf(t);
    if (!this.counts.has(key) && !this.ema.has(key) && this.counts.size >= this.cfg.max_keys) key = OVERFLOW_KEY;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const rate = this.rateOf(key);
    if (rate <= 1) return 0n;
    let th = this.thresholds.get(rate);
    if (th === undefined) {
      th = roundThreshold(thresholdForProbability(1 / rate), 4);
      if (this.thresholds.size >= 4096) this.thresholds.clear();
      this.thresholds.set(rate, th);
    }
    return t.randomness >= th ? th : null;
  }

  /** Folds this interval's counts into the moving averages and recomputes the rates. */
  adjust(): void {
    const w = this.cfg.weight;
    for (const k of new Set([...this.ema.keys(), ...this.counts.keys()])) {
      const prev = this.ema.get(k);
      const v = prev === undefined ? (this.counts.get(k) ?? 0) : w * (this.counts.get(k) ?? 0) + (1 - w) * prev;
      if (v < AGE_OUT) this.ema.delete(k); else this.ema.set(k, v);
    }
    this.counts = new Map();
    this.rates = computeRates(this.ema, this.cfg.goal_sample_rate);
  }
}

// Recording a sampling decision on a kept span: the OTEP 235 threshold in tracestate and the
// `outrider.sampling.*` attributes, so readers downstream can weight counts by 1/p.
import type { Span } from '../pdata/model.js';
import { setSpanAttribute, setTraceState, traceStateOf } from '../pdata/span-edit.js';
import { TWO_56, adjustedCountOf, withThreshold } from './otep235.js';

/** Attribute holding the span's adjusted count (1/p, a double). */
export const ADJUSTED_COUNT_KEY = 'outrider.sampling.adjusted_count';
/** Attribute naming the tail-sampling policy that kept the trace. */
export const POLICY_KEY = 'outrider.sampling.policy';

/**
 * Writes threshold `t` into tracestates, memoised: a stream repeats the same few tracestates, and
 * W3C parsing per span would cost more than the sampling itself. Bounded to 1024 entries.
 */
export class ThresholdWriter {
  private readonly memo = new Map<string, string>();

  /** `traceState` with `ot=th:` set to `t` (see {@link withThreshold}). */
  write(traceState: string, t: bigint): string {
    const key = `${t}|${traceState}`;
    let out = this.memo.get(key);
    if (out === undefined) {
      out = withThreshold(traceState, t);
      if (this.memo.size >= 1024) this.memo.clear();
      this.memo.set(key, out);
    }
    return out;
  }

  /**
   * Records a keep decision on a span: `th` = `t` in its tracestate, `outrider.sampling.adjusted_count`
   * = 2^56/(2^56 − t), and `outrider.sampling.policy` when a policy is named.
   */
  stamp(span: Span, t: bigint, policy?: string): void {
    setTraceState(span, this.write(traceStateOf(span), t));
    setSpanAttribute(span, ADJUSTED_COUNT_KEY, adjustedCountOf(t));
    if (policy !== undefined) setSpanAttribute(span, POLICY_KEY, policy);
  }
}

/** Description shared by every sampler creating the `outrider_sampling_decisions` counter. */
export const DECISIONS_HELP = 'Sampling decisions, by policy (or head sampler id) and outcome.';

/** `t` rounded up to `digits` hex digits (a little less probability, never more); `t` itself when rounding would reject everything. */
export function roundThreshold(t: bigint, digits: number): bigint {
  const unit = 1n << BigInt(4 * (14 - digits));
  const r = ((t + unit - 1n) / unit) * unit;
  return r >= TWO_56 ? t : r;
}

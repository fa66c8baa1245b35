// The tail sampler's fallback under memory pressure: while the memory limiter reports its soft limit
// reached, new traces are not buffered but decided at once by deterministic head sampling — kept
// iff the trace's OTEP 235 randomness R ≥ T for the percentage, the same traces on every agent.
import type { KeptDecision } from './decision-cache.js';
import type { TailSamplingConfig } from './config.js';
import { thresholdForPercentage } from './policies.js';

/** The policy recorded on spans kept by the fallback (`outrider.sampling.policy`) and in the decisions metric. */
export const FALLBACK_POLICY = 'fallback';

/**
 * The fallback's percentage: `fallback_sampling_percentage`, else the first top-level `probabilistic`
 * policy's; undefined when neither is set (no fallback: the memory limiter refuses at its soft limit).
 */
export function fallbackPercentage(cfg: TailSamplingConfig): number | undefined {
  if (cfg.fallback_sampling_percentage !== undefined) return cfg.fallback_sampling_percentage;
  for (const p of cfg.policies) if (p.type === 'probabilistic') return p.probabilistic.sampling_percentage;
  return undefined;
}

/** Deterministic head sampling at a percentage, as a tail decision. */
export class HeadFallback {
  /** What kept traces are stamped with: th for the percentage, policy `fallback`. */
  readonly kept: KeptDecision | undefined;

  constructor(readonly percentage: number) {
    const th = thresholdForPercentage(percentage);
    this.kept = th === undefined ? undefined : { policy: FALLBACK_POLICY, threshold: th };
  }

  /** The decision for a trace of randomness `r`: kept (with its threshold) or undefined (dropped). */
  decide(r: bigint): KeptDecision | undefined {
    return this.kept !== undefined && r >= this.kept.threshold ? this.kept : undefined;
  }
}

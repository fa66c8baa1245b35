// The probabilistic_sampler processor: consistent head sampling per OTEP 235. Every agent with the
// same percentage keeps the same traces (the decision depends only on the trace's randomness), the
// threshold `th` is written into tracestate, and an upstream threshold is never lowered.
import type { Counter } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { TWO_56, keeps, randomnessOf, thresholdForProbability, thresholdOf } from '../../agent/sampling/otep235.js';
import { DECISIONS_HELP, ThresholdWriter, roundThreshold } from '../../agent/sampling/record.js';
import { SIGNALS, type SeriesWriter } from '../../agent/signals/signals.js';
import type { ProbabilisticSamplerConfig } from './config.js';

/** The randomness of a span: `rv` from tracestate, else the trace id's low 56 bits; undefined when it has none (all-zero id). */
function randomness(span: Span): bigint | undefined {
  if (span.traceState.includes('rv:')) return randomnessOf(span.traceState, span.traceId);
  const id = span.traceId;
  let zero = true;
  for (let i = 0; i < id.length; i++) if (id[i] !== 0) { zero = false; break; }
  return zero ? undefined : randomnessOf('', id);
}

/**
 * The threshold this sampler applies to a span whose upstream threshold is `upstream` (undefined:
 * none), per mode. Never below `upstream`.
 */
export function outgoingThreshold(cfg: ProbabilisticSamplerConfig, upstream: bigint | undefined): bigint {
  const p = Math.min(cfg.sampling_percentage, 100) / 100;
  const own = p >= 1 ? 0n : roundThreshold(thresholdForProbability(p), cfg.sampling_precision);
  if (upstream === undefined) return own;
  if (cfg.mode === 'equalizing') return own > upstream ? own : upstream;
  if (p >= 1) return upstream;
  // proportional: p_out = p_in · p, with p_in = (2^56 − T_in) / 2^56
  const kept = BigInt(Math.round(Number(TWO_56 - upstream) * p));
  const t = kept <= 0n ? TWO_56 : roundThreshold(TWO_56 - kept, cfg.sampling_precision);
  return t > upstream ? t : upstream;
}

/** Keeps each span iff its randomness R ≥ the outgoing threshold T, and records T on kept spans. Mutates. */
export class ProbabilisticSampler implements Component, Consumer<TracesData> {
  readonly mutates = true;
  private readonly writer = new ThresholdWriter();
  private readonly decisions: Counter;
  private readonly attrs: { kept: Record<string, string>; dropped: Record<string, string> };
  private readonly noUpstream: bigint;
  private readonly thMemo = new Map<string, bigint | null>();
  private sig: { kept: SeriesWriter; dropped: SeriesWriter } | undefined;

  constructor(private readonly settings: CreateSettings, private readonly cfg: ProbabilisticSamplerConfig, private readonly next: Consumer<TracesData>) {
    this.decisions = settings.meter.createCounter('outrider_sampling_decisions', { description: DECISIONS_HELP });
    this.attrs = { kept: { policy: settings.id, decision: 'sampled' }, dropped: { policy: settings.id, decision: 'not_sampled' } };
    this.noUpstream = outgoingThreshold(cfg, undefined);
  }

  /** Publishes decisions as the `sampling_decisions` signal when the agent runs the signals service. */
  async start(host: Host): Promise<void> {
    const signals = host.findService(SIGNALS);
    if (!signals) return;
    const s = signals.counter('sampling_decisions', ['policy', 'decision']);
    this.sig = { kept: s.series([this.settings.id, 'sampled']), dropped: s.series([this.settings.id, 'not_sampled']) };
  }

  /** Whether the span is kept; a kept span has its threshold and adjusted count recorded. */
  decide(span: Span): boolean {
    const R = randomness(span);
    if (R === undefined) return !this.cfg.fail_closed;
    let upstream = span.traceState ? this.upstreamOf(span.traceState) : undefined;
    if (upstream !== undefined && !keeps(R, upstream)) upstream = undefined; // inconsistent th: erased, as OTEP 235 says
    const t = upstream === undefined ? this.noUpstream : outgoingThreshold(this.cfg, upstream);
    if (t >= TWO_56 || !keeps(R, t)) return false;
    this.writer.stamp(span, t);
    return true;
  }

  /** The `th` of a tracestate, memoised (W3C parsing per span costs more than the decision). */
  private upstreamOf(traceState: string): bigint | undefined {
    let t = this.thMemo.get(traceState);
    if (t === undefined) {
      t = thresholdOf(traceState) ?? null;
      if (this.thMemo.size >= 1024) this.thMemo.clear();
      this.thMemo.set(traceState, t);
    }
    return t ?? undefined;
  }

  async consume(td: TracesData): Promise<void> {
    let kept = 0;
    let dropped = 0;
    const out: TracesData = { resourceSpans: [] };
    for (const rs of td.resourceSpans) {
      const scopes = [];
      for (const ss of rs.scopeSpans) {
        const spans = ss.spans.filter((s) => this.decide(s));
        kept += spans.length;
        dropped += ss.spans.length - spans.length;
        if (spans.length) scopes.push({ ...ss, spans });
      }
      if (scopes.length) out.resourceSpans.push({ ...rs, scopeSpans: scopes });
    }
    const now = this.settings.clock.now();
    if (kept) { this.decisions.add(kept, this.attrs.kept); this.sig?.kept.add(kept, now); }
    if (dropped) { this.decisions.add(dropped, this.attrs.dropped); this.sig?.dropped.add(dropped, now); }
    if (out.resourceSpans.length) await this.next.consume(out);
  }

  readonly shutdown = once(async () => {});
}

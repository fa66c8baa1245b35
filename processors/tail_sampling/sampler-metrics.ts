// Self metrics of the tail_sampling processor (and the sampling_decisions signal), with the counts
// since start that tests and benchmarks read.
import type { Counter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { CreateSettings, Host } from '../../agent/component.js';
import { DECISIONS_HELP } from '../../agent/sampling/record.js';
import { SIGNALS, type SeriesWriter, type Signal } from '../../agent/signals/signals.js';

/** Why buffered traces were decided before their wait ended. */
export type EarlyReason = 'num_traces' | 'memory_pressure';

/** The processor's counters, the traces-in-memory gauge and the decisions signal. */
export class SamplerMetrics {
  private readonly decisions: Counter;
  private readonly evictions: Counter;
  private readonly late: Counter;
  private readonly cacheHits: Counter;
  private readonly failed: Counter;
  private readonly gauge: ObservableGauge;
  private sig: Signal | undefined;
  private readonly sigSeries = new Map<string, SeriesWriter>();
  private readonly observe = (r: ObservableResult) => {
    r.observe(this.tracesInMemory(), { processor: this.settings.id, unit: 'traces' });
  };
  /** Counts since start: evictions (both reasons), late spans, cache hits, decisions, kept, fallback decisions. */
  readonly stats = { evictions: 0, lateSpans: 0, cacheHits: 0, decided: 0, kept: 0, fallbacks: 0 };

  constructor(private readonly settings: CreateSettings, private readonly tracesInMemory: () => number) {
    const meter = settings.meter;
    this.decisions = meter.createCounter('outrider_sampling_decisions', { description: DECISIONS_HELP });
    this.evictions = meter.createCounter('outrider_sampling_evictions', { description: 'Traces decided before their wait ended: num_traces was reached, or memory pressure.' });
    this.late = meter.createCounter('outrider_sampling_late_spans', { description: 'Spans that arrived after their trace was decided, by the decision they followed.' });
    this.cacheHits = meter.createCounter('outrider_sampling_decision_cache_hits', { description: 'Late spans whose trace decision was found in the decision cache.' });
    this.failed = meter.createCounter('outrider_sampling_send_failed_spans', { description: 'Kept spans the next consumer refused after a timed decision.' });
    this.gauge = meter.createObservableGauge('outrider_sampling_traces_in_memory', { description: 'Traces buffered awaiting a decision.' });
    this.gauge.addCallback(this.observe);
  }

  start(host: Host): void {
    this.sig = host.findService(SIGNALS)?.counter('sampling_decisions', ['policy', 'decision']);
  }

  /** One trace decided by `policy` (`fallback` for the head-sampling fallback). */
  decision(policy: string, keep: boolean, nowMs: number): void {
    this.stats.decided++;
    if (keep) this.stats.kept++;
    const decision = keep ? 'sampled' : 'not_sampled';
    this.decisions.add(1, { policy, decision });
    if (this.sig) {
      const k = `${keep ? 1 : 0}${policy}`;
      let w = this.sigSeries.get(k);
      if (!w) { w = this.sig.series([policy, decision]); this.sigSeries.set(k, w); }
      w.add(1, nowMs);
    }
  }

  /** Spans of decided traces that followed the decision cache. */
  lateSpans(kept: number, dropped: number): void {
    const processor = this.settings.id;
    this.stats.lateSpans += kept + dropped;
    this.stats.cacheHits += kept + dropped;
    this.cacheHits.add(kept + dropped, { processor });
    if (kept) this.late.add(kept, { processor, decision: 'sampled' });
    if (dropped) this.late.add(dropped, { processor, decision: 'not_sampled' });
  }

  /** `n` buffered traces decided early. */
  evicted(n: number, reason: EarlyReason): void {
    this.stats.evictions += n;
    this.evictions.add(n, { processor: this.settings.id, reason });
  }

  sendFailed(spans: number): void {
    this.failed.add(spans, { processor: this.settings.id });
  }

  stop(): void {
    this.gauge.removeCallback(this.observe);
  }
}

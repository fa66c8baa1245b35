// The tail_sampling processor: buffers spans per trace until decision_wait after the first span
// (or decision_wait_after_root after the root), then keeps the trace if a policy samples it and
// none vetoes it. Kept spans carry the OTEP 235 threshold and adjusted count; decisions are
// remembered so late spans follow them; num_traces and max_spans_per_trace bound memory.
import type { Counter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { Timer } from '../../agent/clock.js';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { randomnessOf, thresholdOf } from '../../agent/sampling/otep235.js';
import { DECISIONS_HELP, ThresholdWriter } from '../../agent/sampling/record.js';
import { SIGNALS, type SeriesWriter, type Signal } from '../../agent/signals/signals.js';
import { PendingTrace, TraceQueue, originOf, toTraces, traceKey, type Origin } from './buffer.js';
import type { TailSamplingConfig } from './config.js';
import { DecisionCache, type KeptDecision } from './decision-cache.js';
import { FactSchema } from './facts.js';
import { buildPolicy, type Policy } from './policies.js';
import { DROP, isRoot } from './trace-view.js';

function sameId(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** What one consume call or timer sweep hands on: kept traces (decoded together at the end) and late spans of kept traces, stamped. */
class Sweep {
  readonly kept: PendingTrace[] = [];
  readonly spans: Span[] = [];
  readonly origins: Origin[] = [];
}

function spanCount(td: TracesData): number {
  let n = 0;
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

/** Why a trace was decided: its wait ran out, its root's wait ran out, it was evicted, it hit the span bound, shutdown. */
export type DecideReason = 'wait' | 'root' | 'evicted' | 'span_limit' | 'shutdown';

/** Buffers traces and decides them by policy. Mutates kept spans (tracestate, attributes). */
export class TailSampler implements Component, Consumer<TracesData> {
  readonly mutates = true;
  private readonly policies: Policy[];
  /** What is recorded of each buffered span for the policies. */
  private readonly facts = new FactSchema();
  private readonly traces = new Map<string, PendingTrace>();
  /** Traces in arrival order of their first span (their wait deadlines ascend). */
  private readonly arrivals: TraceQueue;
  /** Traces whose root arrived, in arrival order of the root (their deadlines ascend). */
  private readonly roots: TraceQueue;
  private readonly kept: DecisionCache<KeptDecision>;
  private readonly dropped: DecisionCache<true>;
  private readonly writer = new ThresholdWriter();
  private readonly upstream = new Map<string, bigint | null>();
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private sending: Promise<void> = Promise.resolve();
  private stopped = false;
  private spansInMemory = 0;
  private readonly m: { decisions: Counter; evictions: Counter; late: Counter; cacheHits: Counter; failed: Counter; gauge: ObservableGauge };
  private sig: Signal | undefined;
  private readonly sigSeries = new Map<string, SeriesWriter>();
  private readonly observe = (r: ObservableResult) => {
    r.observe(this.traces.size, { processor: this.settings.id, unit: 'traces' });
  };
  /** Counts since start, for tests and benchmarks. */
  readonly stats = { evictions: 0, lateSpans: 0, cacheHits: 0, decided: 0, kept: 0 };

  constructor(private readonly settings: CreateSettings, private readonly cfg: TailSamplingConfig, private readonly next: Consumer<TracesData>) {
    this.policies = cfg.policies.map((p) => buildPolicy(p, settings.clock, this.facts));
    this.arrivals = new TraceQueue(2 * cfg.num_traces + 1024);
    this.roots = new TraceQueue(2 * cfg.num_traces + 1024);
    this.kept = new DecisionCache(cfg.decision_cache.sampled_cache_size);
    this.dropped = new DecisionCache(cfg.decision_cache.non_sampled_cache_size);
    const meter = settings.meter;
    this.m = {
      decisions: meter.createCounter('outrider_sampling_decisions', { description: DECISIONS_HELP }),
      evictions: meter.createCounter('outrider_sampling_evictions', { description: 'Traces decided before their wait ended because num_traces was reached.' }),
      late: meter.createCounter('outrider_sampling_late_spans', { description: 'Spans that arrived after their trace was decided, by the decision they followed.' }),
      cacheHits: meter.createCounter('outrider_sampling_decision_cache_hits', { description: 'Late spans whose trace decision was found in the decision cache.' }),
      failed: meter.createCounter('outrider_sampling_send_failed_spans', { description: 'Kept spans the next consumer refused after a timed decision.' }),
      gauge: meter.createObservableGauge('outrider_sampling_traces_in_memory', { description: 'Traces buffered awaiting a decision.' }),
    };
    this.m.gauge.addCallback(this.observe);
  }

  /** Traces buffered now. */
  get tracesInMemory(): number { return this.traces.size; }
  /** Spans buffered now. */
  get bufferedSpans(): number { return this.spansInMemory; }

  async start(host: Host): Promise<void> {
    if (this.stopped) return;
    this.sig = host.findService(SIGNALS)?.counter('sampling_decisions', ['policy', 'decision']);
    for (const p of this.policies) p.start?.();
  }

  async consume(td: TracesData): Promise<void> {
    if (this.stopped) return this.next.consume(td);
    const now = this.settings.clock.now();
    const sw = new Sweep();
    const lateKept = [0, 0];
    const touched: PendingTrace[] = [];
    let prevId: Uint8Array | undefined;
    let prevKey = '';
    for (const rs of td.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        const origin = originOf(rs, ss);
        for (const span of ss.spans) {
          // spans of one trace usually come together: reuse the key of the previous span's id
          const id = span.traceId;
          if (!sameId(id, prevId)) { prevId = id; prevKey = traceKey(id); }
          const key = prevKey;
          let t = this.traces.get(key);
          if (!t) {
            const d = this.kept.get(key);
            if (d !== undefined) {
              this.stampKept(span, d);
              sw.spans.push(span);
              sw.origins.push(origin);
              lateKept[0]++;
              continue;
            }
            if (this.dropped.get(key) !== undefined) { lateKept[1]++; continue; }
            if (this.traces.size >= this.cfg.num_traces) this.evictOldest(now, sw);
            t = new PendingTrace(key, now, randomnessOf(span.traceState, span.traceId));
            this.traces.set(key, t);
            this.arrivals.push(t);
            this.arm(now + this.cfg.decision_wait);
          }
          const root = isRoot(span);
          this.facts.record(t, span, origin.resourceAttrs, root);
          if (t.add(span, origin)) touched.push(t);
          this.spansInMemory++;
          if (root && t.rootAtMs === undefined && this.cfg.decision_wait_after_root > 0) {
            t.rootAtMs = now;
            this.roots.push(t);
            this.arm(now + this.cfg.decision_wait_after_root);
          }
          if (t.count >= this.cfg.max_spans_per_trace) this.decide(t, 'span_limit', now, sw);
        }
      }
    }
    for (const t of touched) t.seal();
    if (lateKept[0] + lateKept[1] > 0) this.countLate(lateKept[0]!, lateKept[1]!);
    const out = this.output(sw);
    if (out) await this.next.consume(out);
  }

  /** The spans a sweep hands on: its kept traces, decoded together and stamped, then the late spans of kept traces. */
  private output(sw: Sweep): TracesData | undefined {
    if (sw.kept.length === 0 && sw.spans.length === 0) return undefined;
    const spans: Span[] = [];
    const origins: Origin[] = [];
    PendingTrace.drainKept(sw.kept, (t, span, origin) => {
      this.stampKept(span, t.keptAs!);
      spans.push(span);
      origins.push(origin);
    });
    for (let i = 0; i < sw.spans.length; i++) { spans.push(sw.spans[i]!); origins.push(sw.origins[i]!); }
    return toTraces(spans, origins);
  }

  private countLate(kept: number, dropped: number): void {
    const id = this.settings.id;
    this.stats.lateSpans += kept + dropped;
    this.stats.cacheHits += kept + dropped;
    this.m.cacheHits.add(kept + dropped, { processor: id });
    if (kept) this.m.late.add(kept, { processor: id, decision: 'sampled' });
    if (dropped) this.m.late.add(dropped, { processor: id, decision: 'not_sampled' });
  }

  private evictOldest(now: number, sw: Sweep): void {
    const oldest = this.arrivals.peek();
    if (!oldest) return;
    this.stats.evictions++;
    this.m.evictions.add(1, { processor: this.settings.id });
    this.decide(oldest, 'evicted', now, sw);
  }

  /** Evaluates the policies over a trace's facts, removes it from the buffer, remembers the decision; a kept trace joins `sw`. */
  decide(t: PendingTrace, _reason: DecideReason, now: number, sw: Sweep): boolean {
    this.traces.delete(t.key);
    this.spansInMemory -= t.count;
    let veto: string | undefined;
    let det: string | undefined;
    let prob: Policy | undefined;
    let th = 0n;
    for (const p of this.policies) {
      const o = p.evaluate(t, now);
      if (o === null) continue;
      if (o === DROP) { veto ??= p.name; continue; }
      const name = p.lastMatch ?? p.name;
      if (o === 0n) det ??= name;
      else if (!prob || o < th) { prob = p; th = o; }
      if (this.cfg.sample_on_first_match && veto === undefined) break;
    }
    this.stats.decided++;
    const policy = veto ?? det ?? (prob ? prob.lastMatch ?? prob.name : 'none');
    const keep = veto === undefined && (det !== undefined || prob !== undefined);
    this.m.decisions.add(1, { policy, decision: keep ? 'sampled' : 'not_sampled' });
    if (this.sig) {
      const k = `${keep ? 1 : 0}${policy}`;
      let w = this.sigSeries.get(k);
      if (!w) { w = this.sig.series([policy, keep ? 'sampled' : 'not_sampled']); this.sigSeries.set(k, w); }
      w.add(1, now);
    }
    if (!keep) {
      this.dropped.set(t.key, true);
      t.release();
      return false;
    }
    this.stats.kept++;
    const d: KeptDecision = { policy, threshold: det !== undefined ? 0n : th };
    this.kept.set(t.key, d);
    t.decided = true;
    t.keptAs = d;
    sw.kept.push(t);
    return true;
  }

  /** Records the decision on a kept span; an upstream threshold stronger than the decision's stays. */
  private stampKept(span: Span, d: KeptDecision): void {
    let up: bigint | null | undefined = null;
    if (span.traceState.includes('th:')) {
      up = this.upstream.get(span.traceState);
      if (up === undefined) {
        up = thresholdOf(span.traceState) ?? null;
        if (this.upstream.size >= 1024) this.upstream.clear();
        this.upstream.set(span.traceState, up);
      }
    }
    this.writer.stamp(span, up !== null && up > d.threshold ? up : d.threshold, d.policy);
  }

  /** Schedules the decision timer for `at` unless it is due sooner already. */
  private arm(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.settings.clock.setTimeout(() => this.onTimer(), Math.max(0, at - this.settings.clock.now())).unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.settings.clock.now();
    const sw = new Sweep();
    this.decideDue(now, sw);
    const nextAt = this.nextDeadline();
    if (nextAt !== undefined) this.arm(nextAt);
    this.send(this.output(sw));
  }

  /** Decides every trace whose wait (or after-root wait) has run out by `now`. */
  decideDue(now: number, sw: Sweep): void {
    const wait = this.cfg.decision_wait;
    for (let t = this.arrivals.peek(); t && t.firstAtMs + wait <= now; t = this.arrivals.peek()) this.decide(t, 'wait', now, sw);
    const afterRoot = this.cfg.decision_wait_after_root;
    for (let t = this.roots.peek(); t && t.rootAtMs! + afterRoot <= now; t = this.roots.peek()) this.decide(t, 'root', now, sw);
  }

  private nextDeadline(): number | undefined {
    let at: number | undefined;
    const first = this.arrivals.peek();
    if (first) at = first.firstAtMs + this.cfg.decision_wait;
    const r = this.roots.peek();
    if (r) { const ra = r.rootAtMs! + this.cfg.decision_wait_after_root; if (at === undefined || ra < at) at = ra; }
    return at;
  }

  /** Hands kept spans on in order; a refusal is logged and counted (the sender was answered long ago). */
  private send(td: TracesData | undefined): void {
    if (!td) return;
    const n = spanCount(td);
    this.sending = this.sending.then(() => this.next.consume(td)).catch((err: Error) => {
      this.m.failed.add(n, { processor: this.settings.id });
      this.settings.logger.warn({ err: err.message, spans: n }, 'tail_sampling: kept spans refused downstream');
    });
  }

  /** Stops timers; decides (or drops, per drop_pending_traces_on_shutdown) what is buffered and hands it on. */
  readonly shutdown = once(async () => {
    this.stopped = true;
    this.timer?.cancel();
    for (const p of this.policies) p.stop?.();
    this.m.gauge.removeCallback(this.observe);
    const sw = new Sweep();
    if (!this.cfg.drop_pending_traces_on_shutdown) {
      const now = this.settings.clock.now();
      for (const t of [...this.traces.values()]) this.decide(t, 'shutdown', now, sw);
    }
    this.traces.clear();
    this.arrivals.clear();
    this.roots.clear();
    this.send(this.output(sw));
    await this.sending;
  });
}

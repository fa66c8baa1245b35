// The tail_sampling processor: buffers spans per trace until decision_wait after the first span
// (or decision_wait_after_root after the root), then keeps the trace if a policy samples it and
// none vetoes it. Kept spans carry the OTEP 235 threshold and adjusted count; decisions are
// remembered so late spans follow them; num_traces and max_spans_per_trace bound memory; under
// memory pressure new traces are head-sampled at once instead of buffered.
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import { ADMISSION, type Admission } from '../../agent/admission.js';
import type { Counter } from '@opentelemetry/api';
import { sleep, type Timer } from '../../agent/clock.js';
import { asOutriderError, errors } from '../../agent/errors.js';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { randomnessOf, thresholdOf } from '../../agent/sampling/otep235.js';
import { ThresholdWriter } from '../../agent/sampling/record.js';
import { traceStateOf } from '../../agent/pdata/span-edit.js';
import { PendingTrace, Sweep, TraceQueue, originOf, sameId, spanCount, toTraces, traceKey, type Origin } from './buffer.js';
import type { TailSamplingConfig } from './config.js';
import { DecisionCache, type KeptDecision } from './decision-cache.js';
import { FactSchema } from './facts.js';
import { FALLBACK_POLICY, HeadFallback, fallbackPercentage } from './fallback.js';
import { buildPolicy, type Policy } from './policies.js';
import { SamplerMetrics } from './sampler-metrics.js';
import { DROP, isRoot } from './trace-view.js';

/** First and longest wait between retries of kept spans the next consumer refused (retryable). */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;
/** How long shutdown keeps retrying kept spans the next consumer refuses. */
const SHUTDOWN_RETRY_MS = 5000;

/** Why a trace was decided: its wait ran out, its root's wait ran out, it was evicted, it hit the span bound, memory pressure, shutdown. */
export type DecideReason = 'wait' | 'root' | 'evicted' | 'span_limit' | 'pressure' | 'shutdown';

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
  /** Head sampling under memory pressure, when a percentage is configured. */
  private readonly fallback: HeadFallback | undefined;
  private admission: Admission | undefined;
  private withdrawShedding: (() => void) | undefined;
  /** Whether the last consume saw memory pressure (new traces head-sampled). */
  private falling = false;
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private sending: Promise<void> = Promise.resolve();
  /** Set while kept spans wait to be retried downstream: new data is refused meanwhile. */
  private blocked = false;
  /** Aborted when shutdown's retry time is over: refused output is then given up. */
  private readonly giveUp = new AbortController();
  private readonly refused: Counter;
  private readonly attrs: Record<string, string>;
  private stopped = false;
  private spansInMemory = 0;
  private readonly m: SamplerMetrics;
  /** Counts since start, for tests and benchmarks. */
  readonly stats: SamplerMetrics['stats'];

  constructor(private readonly settings: CreateSettings, private readonly cfg: TailSamplingConfig, private readonly next: Consumer<TracesData>) {
    this.policies = cfg.policies.map((p) => buildPolicy(p, settings.clock, this.facts));
    this.arrivals = new TraceQueue(2 * cfg.num_traces + 1024);
    this.roots = new TraceQueue(2 * cfg.num_traces + 1024);
    this.kept = new DecisionCache(cfg.decision_cache.sampled_cache_size);
    this.dropped = new DecisionCache(cfg.decision_cache.non_sampled_cache_size);
    const pct = fallbackPercentage(cfg);
    this.fallback = pct === undefined ? undefined : new HeadFallback(pct);
    this.m = new SamplerMetrics(settings, () => this.traces.size);
    this.refused = settings.meter.createCounter('outrider_processor_refused_spans', { description: 'Items refused by a processor (the sender is asked to retry).' });
    this.attrs = { processor: settings.id, pipeline: settings.pipeline ?? '' };
    this.stats = this.m.stats;
  }

  /** Traces buffered now. */
  get tracesInMemory(): number { return this.traces.size; }
  /** Spans buffered now. */
  get bufferedSpans(): number { return this.spansInMemory; }

  async start(host: Host): Promise<void> {
    if (this.stopped) return;
    this.m.start(host);
    if (this.fallback) {
      this.admission = host.findService(ADMISSION);
      this.withdrawShedding = this.admission?.shedding();
    }
    for (const p of this.policies) p.start?.();
  }

  async consume(td: TracesData): Promise<void> {
    if (this.stopped) return this.next.consume(td);
    if (this.blocked) {
      const n = spanCount(td);
      this.refused.add(n, this.attrs);
      throw errors.dataRefused(`${this.settings.id}: kept spans are waiting for the next consumer to accept them`);
    }
    const now = this.settings.clock.now();
    const sw = new Sweep();
    const pressure = this.underPressure(now, sw);
    const lateKept = [0, 0];
    const touched: PendingTrace[] = [];
    let prevId: Uint8Array | undefined;
    let prevKey = '';
    let prevT: PendingTrace | undefined;
    for (const rs of td.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        const origin = originOf(rs, ss);
        for (const span of ss.spans) {
          // spans of one trace usually come together: reuse the key (and buffered trace) of the previous span's
          const id = span.traceId;
          if (!sameId(id, prevId)) { prevId = id; prevKey = traceKey(id); prevT = undefined; }
          const key = prevKey;
          let t = prevT !== undefined && !prevT.decided ? prevT : this.traces.get(key);
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
            const r = randomnessOf(span.traceState, span.traceId);
            if (pressure) { this.headDecide(key, r, span, origin, now, sw); continue; }
            if (this.traces.size >= this.cfg.num_traces) this.evictOldest(now, sw);
            t = new PendingTrace(key, now, r);
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
          prevT = t;
        }
      }
    }
    for (const t of touched) t.seal();
    if (lateKept[0] + lateKept[1] > 0) this.m.lateSpans(lateKept[0]!, lateKept[1]!);
    const out = this.output(sw);
    if (out) await this.next.consume(out);
  }

  /**
   * Whether new traces are to be head-sampled now: a fallback is configured and the memory limiter
   * reports pressure. On entering it, every buffered trace is decided at once on what it has
   * (counted as evictions, reason memory_pressure), so its memory is released.
   */
  private underPressure(now: number, sw: Sweep): boolean {
    const pressure = this.admission?.pressure() === true;
    if (pressure === this.falling) return pressure;
    this.falling = pressure;
    const log = this.settings.logger;
    if (!pressure) {
      log.info('tail_sampling: memory back under the soft limit: buffering traces again');
      return false;
    }
    const buffered = [...this.traces.values()];
    log.warn({ bufferedTraces: buffered.length, percentage: this.fallback!.percentage }, 'tail_sampling: memory above the soft limit: deciding buffered traces now, head-sampling new ones');
    for (const t of buffered) this.decide(t, 'pressure', now, sw);
    if (buffered.length) this.m.evicted(buffered.length, 'memory_pressure');
    return true;
  }

  /** Decides a new trace at once by the fallback's head sampling; a kept span goes to `sw`, the decision to the cache. */
  private headDecide(key: string, r: bigint, span: Span, origin: Origin, now: number, sw: Sweep): void {
    const d = this.fallback!.decide(r);
    this.stats.fallbacks++;
    this.m.decision(FALLBACK_POLICY, d !== undefined, now);
    if (d === undefined) { this.dropped.set(key, true); return; }
    this.kept.set(key, d);
    this.stampKept(span, d);
    sw.spans.push(span);
    sw.origins.push(origin);
  }

  /** The spans a sweep hands on: its kept traces (lazy spans), stamped, then the spans stamped already. */
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

  private evictOldest(now: number, sw: Sweep): void {
    const oldest = this.arrivals.peek();
    if (!oldest) return;
    this.m.evicted(1, 'num_traces');
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
    const policy = veto ?? det ?? (prob ? prob.lastMatch ?? prob.name : 'none');
    const keep = veto === undefined && (det !== undefined || prob !== undefined);
    this.m.decision(policy, keep, now);
    if (!keep) {
      this.dropped.set(t.key, true);
      t.release();
      return false;
    }
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
    const ts = traceStateOf(span);
    if (ts.includes('th:')) {
      up = this.upstream.get(ts);
      if (up === undefined) {
        up = thresholdOf(ts) ?? null;
        if (this.upstream.size >= 1024) this.upstream.clear();
        this.upstream.set(ts, up);
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

  /**
   * Hands kept spans on in order. The sender was acknowledged long ago, so a retryable refusal (a
   * full exporter queue, a batch processor over max_pending_items) is retried with backoff rather
   * than dropped, and until it is accepted {@link consume} refuses new data (retryable): the
   * backpressure reaches the sender, nothing acknowledged is lost. A permanent refusal, or one
   * still refused when shutdown's retry time ends, is logged and counted.
   */
  private send(td: TracesData | undefined): void {
    if (!td) return;
    const n = spanCount(td);
    this.sending = this.sending.then(() => this.deliver(td, n));
  }

  private async deliver(td: TracesData, n: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.next.consume(td);
        break;
      } catch (e) {
        const err = asOutriderError(e);
        if (!err.retryable || this.giveUp.signal.aborted) {
          this.m.sendFailed(n);
          this.settings.logger.warn({ err: err.message, spans: n }, 'tail_sampling: kept spans refused downstream');
          break;
        }
        if (attempt === 1) this.settings.logger.warn({ err: err.message, spans: n }, 'tail_sampling: kept spans refused downstream; retrying, refusing new data meanwhile');
        this.blocked = true;
        await sleep(this.settings.clock, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1)), this.giveUp.signal);
      }
    }
    this.blocked = false;
  }

  /** Stops timers; decides (or drops, per drop_pending_traces_on_shutdown) what is buffered and hands it on. */
  readonly shutdown = once(async () => {
    this.stopped = true;
    this.timer?.cancel();
    this.withdrawShedding?.();
    for (const p of this.policies) p.stop?.();
    this.m.stop();
    const sw = new Sweep();
    if (!this.cfg.drop_pending_traces_on_shutdown) {
      const now = this.settings.clock.now();
      for (const t of [...this.traces.values()]) this.decide(t, 'shutdown', now, sw);
    }
    this.traces.clear();
    this.arrivals.clear();
    this.roots.clear();
    this.send(this.output(sw));
    // what the next consumer still refuses is retried for a while, then given up (and counted)
    const timer = this.settings.clock.setTimeout(() => this.giveUp.abort(), SHUTDOWN_RETRY_MS);
    await this.sending;
    timer.cancel();
  });
}

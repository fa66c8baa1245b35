// Tail-sampling policies: each turns a buffered trace into an outcome (not sampled, sampled at an
// OTEP 235 threshold, or veto). Leaves, then `and`, `drop` and `composite` over leaves.
import type { Clock } from '../../agent/clock.js';
import type { AnyValue } from '../../agent/pdata/model.js';
import { thresholdForProbability } from '../../agent/sampling/otep235.js';
import { roundThreshold } from '../../agent/sampling/record.js';
import { DynamicSampler } from './dynamic.js';
import type { LeafPolicyConfig, PolicyConfig } from './policy-config.js';
import { DROP, anySpanAttr, durationMs, type Outcome, type TraceView } from './trace-view.js';

/** A policy ready to evaluate traces. */
export interface Policy {
  readonly name: string;
  /** The outcome for a trace; `nowMs` is the clock's reading (rate budgets). */
  evaluate(t: TraceView, nowMs: number): Outcome;
  /** Starts background work (dynamic rate adjustment). */
  start?(): void;
  stop?(): void;
  /** For `composite`: the `composite/sub-policy` that sampled the last trace it sampled. */
  lastMatch?: string;
}

/** Attribute `outrider.slo.bad`: names of the SLOs a span was a bad event for. */
export const SLO_BAD_KEY = 'outrider.slo.bad';
const STATUS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

/** A spans-per-second budget on the clock: the current second's spend resets when the second changes. */
export class SpanBudget {
  private second = -1;
  private spent = 0;
  constructor(readonly perSecond: number) {}

  /** Whether `n` more spans fit this second's budget. */
  fits(n: number, nowMs: number): boolean {
    const s = Math.floor(nowMs / 1000);
    if (s !== this.second) { this.second = s; this.spent = 0; }
    return this.spent + n <= this.perSecond;
  }

  /** Takes `n` spans from this second's budget when they fit; false (and nothing taken) when not. */
  take(n: number, nowMs: number): boolean {
    if (!this.fits(n, nowMs)) return false;
    this.spent += n;
    return true;
  }
}

const yes = (b: boolean): Outcome => (b ? 0n : null);

function toNumber(v: AnyValue): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function sloNames(v: AnyValue): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return v === true ? ['*'] : [];
}

/** Builds a leaf policy. */
export function leafPolicy(p: LeafPolicyConfig, clock: Clock): Policy {
  const { name } = p;
  switch (p.type) {
    case 'always_sample':
      return { name, evaluate: () => 0n };
    case 'status_code': {
      const codes = new Set(p.status_code.status_codes.map((c) => STATUS[c]!));
      return { name, evaluate: (t) => yes(t.spans.some((s) => codes.has(s.status.code))) };
    }
    case 'latency': {
      const { threshold_ms: lo, upper_threshold_ms: hi } = p.latency;
      return { name, evaluate: (t) => { const d = durationMs(t); return yes(d >= lo && (hi === 0 || d <= hi)); } };
    }
    case 'numeric_attribute': {
      const { key, min_value: lo = -Infinity, max_value: hi = Infinity, invert_match } = p.numeric_attribute;
      const hit = (v: AnyValue) => { const n = toNumber(v); return n !== undefined && n >= lo && n <= hi; };
      return { name, evaluate: (t) => yes(anySpanAttr(t, key, hit) !== invert_match) };
    }
    case 'string_attribute': {
      const c = p.string_attribute;
      const res = c.enabled_regex_matching ? c.values.map((v) => new RegExp(v)) : undefined;
      const set = new Set(c.values);
      const hit = (v: AnyValue) => typeof v === 'string' && (res ? res.some((r) => r.test(v)) : set.has(v));
      return { name, evaluate: (t) => yes(anySpanAttr(t, c.key, hit) !== c.invert_match) };
    }
    case 'boolean_attribute': {
      const c = p.boolean_attribute;
      return { name, evaluate: (t) => yes(anySpanAttr(t, c.key, (v) => v === c.value) !== c.invert_match) };
    }
    case 'span_count': {
      const { min_spans: lo, max_spans: hi } = p.span_count;
      return { name, evaluate: (t) => yes(t.spans.length >= lo && (hi === 0 || t.spans.length <= hi)) };
    }
    case 'trace_state': {
      const { key, values } = p.trace_state;
      const want = new Set(values);
      const memo = new Map<string, boolean>();
      const hit = (ts: string): boolean => {
        let r = memo.get(ts);
        if (r === undefined) {
          r = false;
          for (const member of ts.split(',')) {
            const i = member.indexOf('=');
            if (i > 0 && member.slice(0, i).trim() === key && want.has(member.slice(i + 1).trim())) { r = true; break; }
          }
          if (memo.size >= 1024) memo.clear();
          memo.set(ts, r);
        }
        return r;
      };
      return { name, evaluate: (t) => yes(t.spans.some((s) => s.traceState !== '' && hit(s.traceState))) };
    }
    case 'probabilistic': {
      const pct = p.probabilistic.sampling_percentage;
      const th = pct >= 100 ? 0n : pct <= 0 ? undefined : roundThreshold(thresholdForProbability(pct / 100), 4);
      return { name, evaluate: (t) => (th !== undefined && t.randomness >= th ? th : null) };
    }
    case 'rate_limiting': {
      const budget = new SpanBudget(p.rate_limiting.spans_per_second);
      return { name, evaluate: (t, now) => yes(budget.take(t.spans.length, now)) };
    }
    case 'slo': {
      const only = p.slo.names;
      const hit = (v: AnyValue) => { const ns = sloNames(v); return ns.length > 0 && (only.length === 0 || ns.some((n) => n === '*' || only.includes(n))); };
      return { name, evaluate: (t) => yes(anySpanAttr(t, SLO_BAD_KEY, hit)) };
    }
    case 'dynamic': {
      const d = new DynamicSampler(p.dynamic, clock);
      return { name, evaluate: (t) => d.evaluate(t), start: () => d.start(), stop: () => d.stop() };
    }
  }
}

/** Builds any policy, composing leaves for `and`, `drop` and `composite`. */
export function buildPolicy(p: PolicyConfig, clock: Clock): Policy {
  switch (p.type) {
    case 'and': {
      const subs = p.and.and_sub_policy.map((s) => leafPolicy(s, clock));
      return withSubs(p.name, subs, (t, now) => {
        let th = 0n;
        for (const s of subs) {
          const o = s.evaluate(t, now);
          if (o === null || o === DROP) return null;
          if (o > th) th = o; // all must hold: the strictest threshold
        }
        return th;
      });
    }
    case 'drop': {
      const subs = p.drop.drop_sub_policy.map((s) => leafPolicy(s, clock));
      return withSubs(p.name, subs, (t, now) => (subs.every((s) => { const o = s.evaluate(t, now); return o !== null && o !== DROP; }) ? DROP : null));
    }
    case 'composite':
      return compositePolicy(p, clock);
    default:
      return leafPolicy(p, clock);
  }
}

function withSubs(name: string, subs: Policy[], evaluate: Policy['evaluate']): Policy {
  return { name, evaluate, start: () => subs.forEach((s) => s.start?.()), stop: () => subs.forEach((s) => s.stop?.()) };
}

/**
 * `composite`: sub-policies in `policy_order`; the first that samples and whose share of
 * `max_total_spans_per_second` (this second) still fits the trace's spans keeps it.
 */
function compositePolicy(p: Extract<PolicyConfig, { type: 'composite' }>, clock: Clock): Policy {
  const c = p.composite;
  const byName = new Map(c.composite_sub_policy.map((s) => [s.name, leafPolicy(s, clock)]));
  const order = (c.policy_order ?? c.composite_sub_policy.map((s) => s.name)).map((n) => byName.get(n)).filter((x): x is Policy => !!x);
  for (const s of byName.values()) if (!order.includes(s)) order.push(s);
  const allocated = new Map(c.rate_allocation.map((a) => [a.policy, a.percent]));
  const rest = Math.max(0, 100 - [...allocated.values()].reduce((a, b) => a + b, 0));
  const unlisted = order.filter((s) => !allocated.has(s.name)).length;
  const budgets = new Map(order.map((s) => [s, new SpanBudget(Math.floor(c.max_total_spans_per_second * (allocated.get(s.name) ?? rest / Math.max(1, unlisted)) / 100))]));
  const total = new SpanBudget(c.max_total_spans_per_second);
  const self: Policy = withSubs(p.name, order, (t, now) => {
    const n = t.spans.length;
    for (const s of order) {
      const o = s.evaluate(t, now);
      if (o === null || o === DROP) continue;
      const b = budgets.get(s)!;
      if (b.fits(n, now) && total.fits(n, now)) {
        b.take(n, now);
        total.take(n, now);
        self.lastMatch = `${p.name}/${s.name}`;
        return o;
      }
    }
    return null;
  });
  return self;
}

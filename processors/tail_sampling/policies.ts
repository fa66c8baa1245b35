// Tail-sampling policies: each turns a buffered trace into an outcome (not sampled, sampled at an
// OTEP 235 threshold, or veto). Leaves, then `and`, `drop` and `composite` over leaves.
import type { Clock } from '../../agent/clock.js';
import type { AnyValue } from '../../agent/pdata/model.js';
import { thresholdForProbability } from '../../agent/sampling/otep235.js';
import { roundThreshold } from '../../agent/sampling/record.js';
import { DynamicSampler } from './dynamic.js';
import type { LeafPolicyConfig, PolicyConfig } from './policy-config.js';
import type { FactSchema, SpanTest } from './facts.js';
import { DROP, attrOf, durationMs, type Outcome, type TraceView } from './trace-view.js';

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

/** The OTEP 235 threshold of a percentage (4 hex digits, rounded towards less probability); undefined for 0 % (keep none). */
export function thresholdForPercentage(pct: number): bigint | undefined {
  return pct >= 100 ? 0n : pct <= 0 ? undefined : roundThreshold(thresholdForProbability(pct / 100), 4);
}

function toNumber(v: AnyValue): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function sloNames(v: AnyValue): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return v === true ? ['*'] : [];
}

/** A span test: some span has attribute `key` (its own, else its resource's) with a value passing `test`. */
function attrTest(key: string, test: (v: AnyValue) => boolean): SpanTest {
  return (s, res) => {
    const v = attrOf(s.attributes, key);
    if (v !== undefined) return test(v);
    const r = attrOf(res, key);
    return r !== undefined && test(r);
  };
}

/** Builds a leaf policy; what it reads of spans is registered in `facts` and recorded as spans are buffered. */
export function leafPolicy(p: LeafPolicyConfig, clock: Clock, facts: FactSchema): Policy {
  const { name } = p;
  switch (p.type) {
    case 'always_sample':
      return { name, evaluate: () => 0n };
    case 'status_code': {
      const codes = new Set(p.status_code.status_codes.map((c) => STATUS[c]!));
      const test = facts.test((s) => codes.has(s.status.code));
      return { name, evaluate: (t) => yes(t.hit(test)) };
    }
    case 'latency': {
      const { threshold_ms: lo, upper_threshold_ms: hi } = p.latency;
      return { name, evaluate: (t) => { const d = durationMs(t); return yes(d >= lo && (hi === 0 || d <= hi)); } };
    }
    case 'numeric_attribute': {
      const { key, min_value: lo = -Infinity, max_value: hi = Infinity, invert_match } = p.numeric_attribute;
      const hit = (v: AnyValue) => { const n = toNumber(v); return n !== undefined && n >= lo && n <= hi; };
      const test = facts.test(attrTest(key, hit));
      return { name, evaluate: (t) => yes(t.hit(test) !== invert_match) };
    }
    case 'string_attribute': {
      const c = p.string_attribute;
      const res = c.enabled_regex_matching ? c.values.map((v) => new RegExp(v)) : undefined;
      const set = new Set(c.values);
      const hit = (v: AnyValue) => typeof v === 'string' && (res ? res.some((r) => r.test(v)) : set.has(v));
      const test = facts.test(attrTest(c.key, hit));
      return { name, evaluate: (t) => yes(t.hit(test) !== c.invert_match) };
    }
    case 'boolean_attribute': {
      const c = p.boolean_attribute;
      const test = facts.test(attrTest(c.key, (v) => v === c.value));
      return { name, evaluate: (t) => yes(t.hit(test) !== c.invert_match) };
    }
    case 'span_count': {
      const { min_spans: lo, max_spans: hi } = p.span_count;
      return { name, evaluate: (t) => yes(t.count >= lo && (hi === 0 || t.count <= hi)) };
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
      const test = facts.test((s) => s.traceState !== '' && hit(s.traceState));
      return { name, evaluate: (t) => yes(t.hit(test)) };
    }
    case 'probabilistic': {
      const th = thresholdForPercentage(p.probabilistic.sampling_percentage);
      return { name, evaluate: (t) => (th !== undefined && t.randomness >= th ? th : null) };
    }
    case 'rate_limiting': {
      const budget = new SpanBudget(p.rate_limiting.spans_per_second);
      return { name, evaluate: (t, now) => yes(budget.take(t.count, now)) };
    }
    case 'slo': {
      const only = p.slo.names;
      const hit = (v: AnyValue) => { const ns = sloNames(v); return ns.length > 0 && (only.length === 0 || ns.some((n) => n === '*' || only.includes(n))); };
      const test = facts.test(attrTest(SLO_BAD_KEY, hit));
      return { name, evaluate: (t) => yes(t.hit(test)) };
    }
    case 'dynamic': {
      const d = new DynamicSampler(p.dynamic, clock, facts);
      return { name, evaluate: (t) => d.evaluate(t), start: () => d.start(), stop: () => d.stop() };
    }
  }
}

/** Builds any policy, composing leaves for `and`, `drop` and `composite`. */
export function buildPolicy(p: PolicyConfig, clock: Clock, facts: FactSchema): Policy {
  switch (p.type) {
    case 'and': {
      const subs = p.and.and_sub_policy.map((s) => leafPolicy(s, clock, facts));
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
      const subs = p.drop.drop_sub_policy.map((s) => leafPolicy(s, clock, facts));
      return withSubs(p.name, subs, (t, now) => (subs.every((s) => { const o = s.evaluate(t, now); return o !== null && o !== DROP; }) ? DROP : null));
    }
    case 'composite':
      return compositePolicy(p, clock, facts);
    default:
      return leafPolicy(p, clock, facts);
  }
}

function withSubs(name: string, subs: Policy[], evaluate: Policy['evaluate']): Policy {
  return { name, evaluate, start: () => subs.forEach((s) => s.start?.()), stop: () => subs.forEach((s) => s.stop?.()) };
}

/**
 * `composite`: sub-policies in `policy_order`; the first that samples and whose share of
 * `max_total_spans_per_second` (this second) still fits the trace's spans keeps it.
 */
function compositePolicy(p: Extract<PolicyConfig, { type: 'composite' }>, clock: Clock, facts: FactSchema): Policy {
  const c = p.composite;
  const byName = new Map(c.composite_sub_policy.map((s) => [s.name, leafPolicy(s, clock, facts)]));
  const order = (c.policy_order ?? c.composite_sub_policy.map((s) => s.name)).map((n) => byName.get(n)).filter((x): x is Policy => !!x);
  for (const s of byName.values()) if (!order.includes(s)) order.push(s);
  const allocated = new Map(c.rate_allocation.map((a) => [a.policy, a.percent]));
  const rest = Math.max(0, 100 - [...allocated.values()].reduce((a, b) => a + b, 0));
  const unlisted = order.filter((s) => !allocated.has(s.name)).length;
  const budgets = new Map(order.map((s) => [s, new SpanBudget(Math.floor(c.max_total_spans_per_second * (allocated.get(s.name) ?? rest / Math.max(1, unlisted)) / 100))]));
  const total = new SpanBudget(c.max_total_spans_per_second);
  const self: Policy = withSubs(p.name, order, (t, now) => {
    const n = t.count;
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

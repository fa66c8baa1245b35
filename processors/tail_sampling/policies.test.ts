// Each tail-sampling policy: exact keep/drop decisions on the fake clock.
import { describe, expect, it } from 'vitest';
import { thresholdOf } from '../../agent/sampling/otep235.js';
import { attr, batch, sampler, tspan } from './test-kit.js';
import type { Span } from '../../agent/pdata/model.js';

const ERROR = { code: 2, message: '' };
const OK = { code: 1, message: '' };

/** Runs traces (one batch each, numbered from 1) through one config; returns the kept trace numbers. */
async function keptBy(policies: unknown[], traces: Span[][], extra: Record<string, unknown> = {}): Promise<number[]> {
  const { p, settings, kept } = await sampler({ decision_wait: '1s', policies, ...extra });
  for (const t of traces) await p.consume(batch(t));
  await settings.clock.advance(1_000);
  await p.shutdown();
  return kept();
}

describe('leaf policies', () => {
  it('always_sample keeps everything', async () => {
    expect(await keptBy([{ name: 'all', type: 'always_sample' }], [[tspan(1)], [tspan(2)]])).toEqual([1, 2]);
  });

  it('no policy sampling → dropped', async () => {
    expect(await keptBy([{ name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } }], [[tspan(1)]])).toEqual([]);
  });

  it('status_code keeps a trace with any span of a listed code', async () => {
    const pol = [{ name: 'e', type: 'status_code', status_code: { status_codes: ['ERROR', 'OK'] } }];
    expect(await keptBy(pol, [[tspan(1), tspan(1, { child: true, status: ERROR })], [tspan(2, { status: OK })], [tspan(3)]])).toEqual([1, 2]);
  });

  it('latency: trace duration (latest end − earliest start) ≥ threshold_ms, ≤ upper_threshold_ms when set', async () => {
    const traces = [
      [tspan(1, { ms: 300 }), tspan(1, { child: true, startTimeUnixNano: 1_700_000_000_000_000_000n + 200_000_000n, ms: 500 })], // 500 ms
      [tspan(2, { ms: 499 })],
      [tspan(3, { ms: 2000 })],
    ];
    expect(await keptBy([{ name: 'slow', type: 'latency', latency: { threshold_ms: 500 } }], traces)).toEqual([1, 3]);
    expect(await keptBy([{ name: 'slow', type: 'latency', latency: { threshold_ms: 500, upper_threshold_ms: 1000 } }], traces)).toEqual([1]);
  });

  it('numeric_attribute: min ≤ value ≤ max on any span (int or double), invert_match flips', async () => {
    const traces = [[tspan(1, { attrs: { 'http.response.status_code': 503n } })], [tspan(2, { attrs: { 'http.response.status_code': 200n } })], [tspan(3, { attrs: { 'http.response.status_code': 500.0 } })], [tspan(4)]];
    const pol = (invert: boolean) => [{ name: 'n', type: 'numeric_attribute', numeric_attribute: { key: 'http.response.status_code', min_value: 500, max_value: 599, invert_match: invert } }];
    expect(await keptBy(pol(false), traces)).toEqual([1, 3]);
    expect(await keptBy(pol(true), traces)).toEqual([2, 4]);
  });

  it('string_attribute: exact values, regex, invert; span then resource attributes', async () => {
    const traces = [[tspan(1, { attrs: { 'http.route': '/checkout' } })], [tspan(2, { attrs: { 'http.route': '/cart/42' } })], [tspan(3, { attrs: { 'http.route': '/health' } })]];
    const pol = (c: Record<string, unknown>) => [{ name: 's', type: 'string_attribute', string_attribute: { key: 'http.route', ...c } }];
    expect(await keptBy(pol({ values: ['/checkout', '/cart'] }), traces)).toEqual([1]);
    expect(await keptBy(pol({ values: ['^/cart/', 'check'], enabled_regex_matching: true }), traces)).toEqual([1, 2]);
    expect(await keptBy(pol({ values: ['/health'], invert_match: true }), traces)).toEqual([1, 2]);
    expect(await keptBy([{ name: 'svc', type: 'string_attribute', string_attribute: { key: 'service.name', values: ['checkout'] } }], [[tspan(1)]])).toEqual([1]);
  });

  it('boolean_attribute with invert_match', async () => {
    const traces = [[tspan(1, { attrs: { 'app.debug': true } })], [tspan(2, { attrs: { 'app.debug': false } })], [tspan(3)]];
    expect(await keptBy([{ name: 'b', type: 'boolean_attribute', boolean_attribute: { key: 'app.debug', value: true } }], traces)).toEqual([1]);
    expect(await keptBy([{ name: 'b', type: 'boolean_attribute', boolean_attribute: { key: 'app.debug', value: true, invert_match: true } }], traces)).toEqual([2, 3]);
  });

  it('span_count: min_spans ≤ spans ≤ max_spans', async () => {
    const traces = [[tspan(1)], [tspan(2), tspan(2, { child: true })], [tspan(3), tspan(3, { child: true }), tspan(3, { child: true })]];
    expect(await keptBy([{ name: 'c', type: 'span_count', span_count: { min_spans: 2 } }], traces)).toEqual([2, 3]);
    expect(await keptBy([{ name: 'c', type: 'span_count', span_count: { min_spans: 2, max_spans: 2 } }], traces)).toEqual([2]);
  });

  it('trace_state: key=value in any span\'s tracestate', async () => {
    const traces = [[tspan(1, { traceState: 'vendor=debug,ot=th:0' })], [tspan(2, { traceState: 'vendor=x' })], [tspan(3)]];
    expect(await keptBy([{ name: 't', type: 'trace_state', trace_state: { key: 'vendor', values: ['debug', 'y'] } }], traces)).toEqual([1]);
  });

  it('probabilistic: consistent by randomness (R ≥ T), recorded as th and 1/p', async () => {
    const traces = [[tspan(1, { r: 0x00000000000000n })], [tspan(2, { r: 0xe6666666666666n })], [tspan(3, { r: 0xe6670000000000n })], [tspan(4, { r: 0xffffffffffffffn })]];
    const { p, settings, spans, kept } = await sampler({ decision_wait: '1s', policies: [{ name: 'rest', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } }] });
    for (const t of traces) await p.consume(batch(t));
    await settings.clock.advance(1_000);
    expect(kept()).toEqual([3, 4]); // T = 0xe667 (10 % rounded to 4 hex digits)
    for (const s of spans()) {
      expect(s.traceState).toBe('ot=th:e667');
      expect(attr(s, 'outrider.sampling.adjusted_count')).toBeCloseTo(10, 2);
      expect(attr(s, 'outrider.sampling.policy')).toBe('rest');
    }
    await p.shutdown();
  });

  it('rate_limiting: spans per second of the clock, the budget renewed each second', async () => {
    const { p, settings, kept } = await sampler({ decision_wait: '1s', policies: [{ name: 'r', type: 'rate_limiting', rate_limiting: { spans_per_second: 3 } }] });
    await p.consume(batch([tspan(1), tspan(1, { child: true }), tspan(2), tspan(2, { child: true }), tspan(3)]));
    await settings.clock.advance(1_000); // one second: trace 1 (2 spans) fits, trace 2 (2 more) does not, trace 3 (1) does
    expect(kept()).toEqual([1, 3]);
    await p.consume(batch([tspan(4), tspan(4, { child: true })]));
    await settings.clock.advance(1_000);
    expect(kept()).toEqual([1, 3, 4]);
    await p.shutdown();
  });

  it('slo: keeps traces with a span marked outrider.slo.bad (optionally for named SLOs only)', async () => {
    const traces = [[tspan(1, { attrs: { 'outrider.slo.bad': 'checkout-latency' } })], [tspan(2, { attrs: { 'outrider.slo.bad': ['checkout-availability'] } })], [tspan(3)], [tspan(4, { attrs: { 'outrider.slo.bad': '' } })]];
    expect(await keptBy([{ name: 'burn', type: 'slo' }], traces)).toEqual([1, 2]);
    expect(await keptBy([{ name: 'burn', type: 'slo', slo: { names: ['checkout-availability'] } }], traces)).toEqual([2]);
  });
});

describe('combining', () => {
  const errors = { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } };
  const rest = { name: 'rest', type: 'probabilistic', probabilistic: { sampling_percentage: 50 } };

  it('a deterministic keep wins over a probabilistic one: adjusted count 1, th:0, the deterministic policy named', async () => {
    const { p, settings, spans } = await sampler({ decision_wait: '1s', policies: [rest, errors] });
    await p.consume(batch([tspan(1, { status: ERROR, r: 0xffffffffffffffn })]));
    await settings.clock.advance(1_000);
    expect(spans().map((s) => [s.traceState, attr(s, 'outrider.sampling.adjusted_count'), attr(s, 'outrider.sampling.policy')])).toEqual([['ot=th:0', 1, 'errors']]);
    await p.shutdown();
  });

  it('drop vetoes: a trace matching every drop sub-policy is dropped whatever else samples it', async () => {
    const drop = { name: 'no-health', type: 'drop', drop: { drop_sub_policy: [
      { name: 'health', type: 'string_attribute', string_attribute: { key: 'http.route', values: ['/health'] } },
      { name: 'ok', type: 'status_code', status_code: { status_codes: ['UNSET', 'OK'] } },
    ] } };
    const all = { name: 'all', type: 'always_sample' };
    const { p, settings, kept } = await sampler({ decision_wait: '1s', policies: [all, drop] });
    await p.consume(batch([tspan(1, { attrs: { 'http.route': '/health' } })]));
    await p.consume(batch([tspan(2, { attrs: { 'http.route': '/cart' } })]));
    await settings.clock.advance(1_000);
    expect(kept()).toEqual([2]);
    expect(await settings.render()).toMatch(/outrider_sampling_decisions_total\{(?=[^}]*policy="no-health")(?=[^}]*decision="not_sampled")[^}]*\} 1/);
    await p.shutdown();
  });

  it('and: samples only when every sub-policy does, at the strictest threshold', async () => {
    const and = { name: 'slow-checkout', type: 'and', and: { and_sub_policy: [
      { name: 'route', type: 'string_attribute', string_attribute: { key: 'http.route', values: ['/checkout'] } },
      { name: 'half', type: 'probabilistic', probabilistic: { sampling_percentage: 50 } },
    ] } };
    const traces = [
      [tspan(1, { attrs: { 'http.route': '/checkout' }, r: 0xf0000000000000n })],
      [tspan(2, { attrs: { 'http.route': '/checkout' }, r: 0x10000000000000n })],
      [tspan(3, { attrs: { 'http.route': '/cart' }, r: 0xf0000000000000n })],
    ];
    const { p, settings, spans, kept } = await sampler({ decision_wait: '1s', policies: [and] });
    for (const t of traces) await p.consume(batch(t));
    await settings.clock.advance(1_000);
    expect(kept()).toEqual([1]);
    expect(thresholdOf(spans()[0]!.traceState)).toBe(0x80000000000000n);
    await p.shutdown();
  });

  it('composite: sub-policies in order, each within its share of max_total_spans_per_second', async () => {
    const composite = { name: 'c', type: 'composite', composite: {
      max_total_spans_per_second: 10,
      policy_order: ['errors', 'all'],
      composite_sub_policy: [{ name: 'all', type: 'always_sample' }, { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } }],
      rate_allocation: [{ policy: 'errors', percent: 60 }, { policy: 'all', percent: 40 }],
    } };
    const { p, settings, spans } = await sampler({ decision_wait: '1s', policies: [composite] });
    // 8 error traces and 8 plain ones, one span each, in one second: errors get 6, the rest 4
    for (let i = 1; i <= 16; i++) await p.consume(batch([tspan(i, i <= 8 ? { status: ERROR } : {})]));
    await settings.clock.advance(1_000);
    const by = (policy: string) => spans().filter((s) => attr(s, 'outrider.sampling.policy') === policy).length;
    expect(by('c/errors')).toBe(6);
    expect(by('c/all')).toBe(4); // 2 error traces beyond the errors share fall through to 'all', then 2 plain ones
    expect(spans()).toHaveLength(10);
    await settings.clock.advance(1_000); // the next second has a fresh budget
    for (let i = 17; i <= 20; i++) await p.consume(batch([tspan(i)]));
    await settings.clock.advance(1_000);
    expect(spans()).toHaveLength(14);
    await p.shutdown();
  });

  it('sample_on_first_match stops at the first sampling policy', async () => {
    const rl = { name: 'rl', type: 'rate_limiting', rate_limiting: { spans_per_second: 1 } };
    const pols = [{ name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } }, rl];
    const traces = [[tspan(1, { status: ERROR })], [tspan(2)]];
    // with it, the rate limiter is not asked about trace 1 (kept by errors) and its budget goes to trace 2
    expect(await keptBy(pols, traces, { sample_on_first_match: true })).toEqual([1, 2]);
    expect(await keptBy(pols, traces)).toEqual([1]);
  });
});

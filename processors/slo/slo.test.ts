// SLO processor on the fake clock: exact SLIs per window, budget, burn rates, tiers, guard, edges,
// weighting, marking, exposition, reservoir.
import { describe, expect, test } from 'vitest';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { adjustedCountOf, thresholdOf } from '../../agent/sampling/otep235.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { testSettings, type TestSettings } from '../../test/kit/settings.js';
import { factoryMap } from '../../agent/factories.js';
import { loadConfig } from '../../config/loader.js';
import { sloProcessorFactory } from './index.js';
import type { SloProcessor } from './slo.js';

const MIN = 60_000;
const AVAIL = { name: 'checkout-availability', service: 'checkout', sli: 'availability', objective: '99.9%', window: '30d' };

async function setup(objectives: object[], extra: object = {}, s: TestSettings = testSettings('slo')) {
  const next = f.sink<TracesData>();
  const proc = sloProcessorFactory.create.traces!(s, sloProcessorFactory.parse({ objectives, ...extra }), next) as SloProcessor;
  await proc.start(s.host);
  return { proc, next, s };
}

/** `n` server spans of `checkout`, the first `bad` with status ERROR. */
function batch(n: number, bad: number, p: Partial<Span> = {}, service = 'checkout'): TracesData {
  const spans = Array.from({ length: n }, (_, i) => f.span({ name: 'POST /pay', status: { message: '', code: i < bad ? 2 : 0 }, traceId: new Uint8Array(16).fill(i % 256), ...p }));
  return f.traces({ 'service.name': service }, spans);
}

const close = (got: number, want: number) => expect(got).toBeCloseTo(want, 9);

describe('slo', () => {
  test('SLI, burn rate per window, budget remaining and tier suppression, exact', async () => {
    const { proc, s } = await setup([AVAIL]);
    await proc.consume(batch(10_000, 10)); // minute 0: 0.1 % bad
    await s.clock.advance(120 * MIN);
    await proc.consume(batch(1000, 100)); // minute 120: 10 % bad
    const st = proc.api.get('checkout-availability')!;
    expect(st.windows['5m']).toMatchObject({ good: 900, total: 1000 });
    expect(st.windows['2h']).toMatchObject({ good: 900, total: 1000 }); // minute 0 is outside 2h at minute 120
    expect(st.windows['6h']).toMatchObject({ good: 10_890, total: 11_000 });
    expect(st.windows['30d']).toMatchObject({ good: 10_890, total: 11_000 });
    close(st.windows['5m']!.sli, 0.9);
    close(st.burnRates['5m']!, 100);
    close(st.burnRates['1h']!, 100);
    close(st.burnRates['6h']!, 10);
    close(st.sli, 0.99);
    close(st.errorBudgetRemaining, -9);
    expect(st.tiers.map((t) => [t.severity, t.long, t.short, Number(t.factor.toFixed(9)), t.firing])).toEqual([
      ['page', '1h', '5m', 14.4, true],
      ['page', '6h', '30m', 6, false], // over its factor too, but the faster page tier fires
      ['ticket', '1d', '2h', 3, false],
      ['ticket', '3d', '6h', 1, false],
    ]);
    // 55 min later the 5m and 1h windows are empty: the 6h & 30m tier is no longer over (30m empty), 1d & 2h fires
    await s.clock.advance(55 * MIN);
    const later = proc.api.get('checkout-availability')!;
    expect(later.windows['5m']!.total).toBe(0);
    expect(later.burnRates['5m']).toBe(0);
    expect(later.windows['2h']!.total).toBe(1000);
    expect(later.tiers.map((t) => t.firing)).toEqual([false, false, true, false]);
  });

  test('window edges: a minute counts in a window of n minutes for exactly n minutes', async () => {
    // long intervals: the fake clock runs every timer on its way through 30 days
    const { proc, s } = await setup([AVAIL], { flush_interval: '1d', evaluation_interval: '1d' });
    await s.clock.advance(30_000); // mid-minute 0
    await proc.consume(batch(10, 1));
    await s.clock.advance(4 * MIN + 29_999); // 00:04:59.999, minute 4
    expect(proc.api.get(AVAIL.name)!.windows['5m']!.total).toBe(10);
    await s.clock.advance(1); // minute 5
    expect(proc.api.get(AVAIL.name)!.windows['5m']!.total).toBe(0);
    expect(proc.api.get(AVAIL.name)!.windows['30m']!.total).toBe(10);
    await s.clock.advance(30 * 86_400_000 - 5 * MIN - 1); // last ms of the 30d window
    expect(proc.api.get(AVAIL.name)!.total).toBe(10);
    await s.clock.advance(1);
    expect(proc.api.get(AVAIL.name)!.total).toBe(0);
    expect(proc.api.get(AVAIL.name)!.errorBudgetRemaining).toBe(1);
  });

  test('calendar month: the window starts at the first of the month (UTC); factors use the month\'s length', async () => {
    const { proc, s } = await setup([{ ...AVAIL, window: 'month' }, { ...AVAIL, name: 'rolling' }], { flush_interval: '1d', evaluation_interval: '1d' });
    await s.clock.advance(31 * 86_400_000 - MIN); // 2026-01-31T23:59Z
    await proc.consume(batch(100, 1));
    let [month, rolling] = proc.api.list();
    expect(month!.window).toBe('month');
    expect([month!.good, month!.total]).toEqual([99, 100]);
    expect(month!.tiers.map((t) => Number(t.factor.toFixed(9)))).toEqual([14.88, 6.2, 3.1, 1.033333333]); // 31 days
    await s.clock.advance(MIN); // 2026-02-01T00:00Z: a new month
    [month, rolling] = proc.api.list();
    expect([month!.good, month!.total]).toEqual([0, 0]);
    expect(month!.errorBudgetRemaining).toBe(1);
    expect(rolling!.total).toBe(100);
    expect(month!.tiers.map((t) => Number(t.factor.toFixed(9)))).toEqual([13.44, 5.6, 2.8, 0.933333333]); // February 2026: 28 days
  });

  test('minimum-events guard: three requests, one failed, page nobody', async () => {
    const guarded = await setup([{ ...AVAIL, min_events: 10 }]);
    await guarded.proc.consume(batch(3, 1));
    const g = guarded.proc.api.get(AVAIL.name)!;
    close(g.burnRates['1h']!, 1000 / 3);
    expect(g.tiers.some((t) => t.firing)).toBe(false);
    const open = await setup([{ ...AVAIL, min_events: 0 }]);
    await open.proc.consume(batch(3, 1));
    expect(open.proc.api.get(AVAIL.name)!.tiers.map((t) => t.firing)).toEqual([true, false, false, false]);
  });

  test('factors scale with the SLO window as Sloth does (28d: 13.44, 5.6, 2.8, 0.933…; 7d: 3.36, 1.4, 0.7, 0.233…)', async () => {
    const { proc } = await setup([{ ...AVAIL, window: '28d' }, { ...AVAIL, name: 'seven', window: '7d' }]);
    const [a, b] = proc.api.list();
    expect(a!.tiers.map((t) => Number(t.factor.toFixed(9)))).toEqual([13.44, 5.6, 2.8, 0.933333333]);
    expect(b!.tiers.map((t) => Number(t.factor.toFixed(9)))).toEqual([3.36, 1.4, 0.7, 0.233333333]);
    expect(b!.window).toBe('7d');
  });

  test('timeslices budgeting: good minutes / minutes with events, a minute good at ≥ time_slice_target', async () => {
    const { proc, s } = await setup([{ ...AVAIL, objective: 0.99, budgeting: 'timeslices' }, { ...AVAIL, name: 'occ', objective: 0.99 }]);
    await proc.consume(batch(100, 1)); // minute 0: 0.99, good
    await s.clock.advance(MIN);
    await proc.consume(batch(100, 2)); // minute 1: 0.98, bad
    await s.clock.advance(2 * MIN); // minute 2: no events, no slice
    await proc.consume(batch(10, 0)); // minute 3: good
    const [slices, occ] = proc.api.list();
    expect(slices!.windows['5m']).toMatchObject({ good: 2, total: 3 });
    close(slices!.burnRates['5m']!, (1 / 3) / 0.01);
    expect(occ!.windows['5m']).toMatchObject({ good: 207, total: 210 });
    expect(sloProcessorFactory.parse({ objectives: [{ ...AVAIL, budgeting: 'timeslices', time_slice_target: '95%' }] }).objectives[0]!.time_slice_target).toBe(0.95);
  });

  test('adjusted-count weighting: a span head-sampled at 1/4 counts 4 times', async () => {
    const { proc } = await setup([AVAIL]);
    const quarter = 'ot=th:c';
    expect(adjustedCountOf(thresholdOf(quarter))).toBe(4);
    await proc.consume(batch(2, 1, { traceState: quarter })); // 1 bad, 1 good, each weighs 4
    await proc.consume(batch(4, 0)); // 4 good, weight 1
    const st = proc.api.get(AVAIL.name)!;
    expect(st.windows['5m']).toMatchObject({ good: 8, total: 12 });
  });

  test('availability: ERROR status or HTTP ≥ 500 on a server span is bad; latency: above the threshold is bad', async () => {
    const { proc, next } = await setup([
      AVAIL,
      { name: 'checkout-latency', service: 'checkout', sli: { latency: '300ms' }, objective: 0.95, window: '7d' },
      { name: 'only-404', service: 'checkout', sli: { availability: { http_status_min: 404, status_error: false } }, objective: 0.9 },
    ]);
    const ms = (n: number) => f.T0 + BigInt(n) * 1_000_000n;
    await proc.consume(f.traces({ 'service.name': 'checkout' }, [
      f.span({ name: 'a', endTimeUnixNano: ms(200) }),
      f.span({ name: 'b', endTimeUnixNano: ms(400), attributes: f.kv({ 'http.response.status_code': 503 }) }),
      f.span({ name: 'c', endTimeUnixNano: ms(300), attributes: f.kv({ 'http.status_code': 404n }) }),
      f.span({ name: 'd', endTimeUnixNano: ms(100), status: { message: '', code: 2 } }),
    ]));
    const [a, l, h] = proc.api.list();
    expect([a!.good, a!.total]).toEqual([2, 4]);
    expect([l!.good, l!.total]).toEqual([3, 4]);
    expect([h!.good, h!.total]).toEqual([2, 4]);
    const marks = next.got[0]!.resourceSpans[0]!.scopeSpans[0]!.spans.map((sp) => sp.attributes.find((kv) => kv.key === 'outrider.slo.bad')?.value);
    expect(marks).toEqual([undefined, 'checkout-availability,checkout-latency,only-404', 'only-404', 'checkout-availability']);
    // a span marked by an upstream agent carries one mark, this agent's
    await proc.consume(f.traces({ 'service.name': 'checkout' }, [f.span({ name: 'e', status: { message: '', code: 2 }, attributes: f.kv({ 'outrider.slo.bad': 'elsewhere' }) })]));
    expect(next.got[1]!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes).toEqual(f.kv({ 'outrider.slo.bad': 'checkout-availability' }));
  });

  test('availability: gRPC server codes of grpc_status_codes are bad; match.attributes filters spans', async () => {
    const { proc } = await setup([
      { ...AVAIL, name: 'grpc', sli: { availability: { grpc_status_codes: [14] } } },
      { ...AVAIL, name: 'gets', match: { attributes: { 'http.request.method': 'GET', retry: false } } },
    ]);
    await proc.consume(f.traces({ 'service.name': 'checkout' }, [
      f.span({ name: 'a', attributes: f.kv({ 'rpc.grpc.status_code': 14n, 'http.request.method': 'GET', retry: false }) }),
      f.span({ name: 'b', attributes: f.kv({ 'rpc.grpc.status_code': 5, 'http.request.method': 'POST' }) }),
      f.span({ name: 'c', kind: 5, attributes: f.kv({ 'rpc.grpc.status_code': 14 }) }), // CONSUMER: not a server code
    ]));
    const [grpc, gets] = proc.api.list();
    expect([grpc!.good, grpc!.total]).toEqual([2, 3]);
    expect([gets!.good, gets!.total]).toEqual([1, 1]);
  });

  test('match: SERVER and CONSUMER spans of the service by default; span name and http.route globs', async () => {
    const { proc } = await setup([AVAIL, { ...AVAIL, name: 'pay-route', match: { span_kinds: ['SERVER'], http_routes: ['/pay/*'] } },
      { ...AVAIL, name: 'by-name', match: { span_names: ['GET *'] } }]);
    await proc.consume(f.traces({ 'service.name': 'checkout' }, [
      f.span({ name: 'GET /x', kind: 2, attributes: f.kv({ 'http.route': '/pay/{id}' }) }),
      f.span({ name: 'GET /y', kind: 3 }), // CLIENT: not counted
      f.span({ name: 'consume', kind: 5 }),
    ]));
    await proc.consume(batch(1, 0, {}, 'other')); // another service
    expect(proc.api.list().map((st) => st.total)).toEqual([2, 1, 1]);
  });

  test('exposition at /metrics and the slo_alert signal', async () => {
    const { proc, s } = await setup([{ ...AVAIL, min_events: 0 }]);
    const L = 'slo="checkout-availability",service="checkout"';
    // both outcomes at 0 from start, before any span: a first scrape sees 0 and fleet rules lose nothing
    const before = await s.render();
    expect(before).toContain(`outrider_slo_events_total{${L},outcome="good"} 0\n`);
    expect(before).toContain(`outrider_slo_events_total{${L},outcome="bad"} 0\n`);
    await proc.consume(batch(100, 20));
    await s.clock.advance(10_000); // one evaluation_interval
    const text = await s.render();
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="good"} 80`);
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="bad"} 20`);
    expect(text).toContain(`outrider_slo_objective_ratio{${L}} 0.999`);
    expect(text).toContain(`outrider_slo_sli_ratio{${L},window="5m"} 0.8`);
    expect(text).toContain(`outrider_slo_sli_ratio{${L},window="30d"} 0.8`);
    const burn = Number(/outrider_slo_burn_rate\{[^}]*window="1h"\} (\S+)/.exec(text)![1]);
    close(burn, 200);
    const budget = Number(/outrider_slo_error_budget_remaining_ratio\{[^}]*\} (\S+)/.exec(text)![1]);
    close(budget, -199);
    const alert = (sev: string, long: string) => s.signals.select('slo_alert', { slo: AVAIL.name, severity: sev, long_window: long })[0]!.last(60_000);
    close(alert('page', '1h')!, 200);
    expect(alert('page', '6h')).toBe(0);
    close(s.signals.select('slo_sli', { slo: AVAIL.name, window: '5m' })[0]!.last(60_000)!, 0.8);
  });

  test('time until the budget is spent at the 1h burn rate: in the status, at /metrics and as a signal', async () => {
    const { proc, s } = await setup([{ ...AVAIL, objective: 0.99 }]);
    await s.clock.advance(10_000);
    expect(await s.render()).toContain('outrider_slo_error_budget_exhaustion_seconds{slo="checkout-availability",service="checkout"} +Inf\n');
    await proc.consume(batch(10_000, 0)); // minute 0: all good
    await s.clock.advance(119 * MIN);
    await proc.consume(batch(1000, 20)); // minute 119: 2 % bad, burn 2 over 1h; over 30d 20/11,000 → budget 1 − 20/110
    await s.clock.advance(10_000);
    const st = proc.api.get(AVAIL.name)!;
    close(st.errorBudgetRemaining, 1 - 20 / 110);
    close(st.burnRates['1h']!, 2);
    const want = ((1 - 20 / 110) * 30 * 86_400) / 2; // the rest of the budget, spent at 2× over 30 d
    const rel = (x: number) => expect(Math.abs(x - want) / want).toBeLessThan(1e-12); // 1,060,363.6… s ≈ 12.3 days
    rel(st.exhaustionSeconds);
    const text = await s.render();
    rel(Number(/^outrider_slo_error_budget_exhaustion_seconds\{[^}]*\} (\S+)$/m.exec(text)![1]));
    rel(s.signals.select('slo_error_budget_exhaustion_seconds', { slo: AVAIL.name })[0]!.last(60_000)!);
    await proc.consume(batch(1000, 1000)); // overspent: 0
    expect(proc.api.get(AVAIL.name)!.exhaustionSeconds).toBe(0);
  });

  test('bad-event trace ids: the most recent, newest last, at most bad_trace_ids', async () => {
    const s = testSettings('slo');
    const next = f.sink<TracesData>();
    const proc = sloProcessorFactory.create.traces!(s, sloProcessorFactory.parse({ objectives: [AVAIL], bad_trace_ids: 2 }), next) as SloProcessor;
    await proc.start(s.host);
    await proc.consume(batch(5, 3)); // trace ids 00…, 01…, 02… are bad
    expect(proc.api.badTraceIds(AVAIL.name)).toEqual(['01'.repeat(16), '02'.repeat(16)]);
  });

  test('config: objective as a percentage, bad objective and window refused with their paths', () => {
    expect(sloProcessorFactory.parse({ objectives: [AVAIL] }).objectives[0]!.objective).toBeCloseTo(0.999, 12);
    const problems = sloProcessorFactory.validate({ objectives: [{ ...AVAIL, objective: '100%', window: '1M' }] });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `objectives.0.objective: objective must be a ratio in (0, 1) like 0.999 or a percentage like "99.9%", got '100%'`,
      `objectives.0.window: window must be a rolling window of 1d to 90d like 28d or 30d, or month, got '1M'`]);
    expect(sloProcessorFactory.validate({ objectives: [AVAIL, AVAIL] }).map((p) => p.path)).toEqual(['objectives.1.name']);
  });

  test('a config using slo has its storage.path checked by validate (the SLO buckets live there)', () => {
    const r = loadConfig({ yaml: `
storage: { path: /proc/outrider/q.db }
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
processors: { slo: { objectives: [{ name: pay, service: s, sli: availability, objective: 0.99 }] } }
exporters: { nop: {} }
service: { pipelines: { traces: { receivers: [otlp], processors: [slo], exporters: [nop] } } }
` }, factoryMap(), {});
    expect(r.problems.map((p) => p.path)).toEqual(['storage.path']);
  });
});

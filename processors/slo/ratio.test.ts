// Ratio SLIs over received counters on the fake clock: cumulative deltas per series (baseline,
// resets, start-time changes, repeats), delta points, bad/total, selectors, exposition, store.
import { describe, expect, test } from 'vitest';
import { factoryMap } from '../../agent/factories.js';
import { loadConfig } from '../../config/loader.js';
import type { Metric, MetricsData, TracesData } from '../../agent/pdata/model.js';
import { METRICS } from '../../agent/metric-registry.js';
import { STORE } from '../../agent/services/store-service.js';
import { SIGNALS } from '../../agent/signals/signals.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { testHost, testSettings, type TestSettings } from '../../test/kit/settings.js';
import { SLO } from './api.js';
import { sloProcessorFactory } from './index.js';
import { SloRegistry } from './service.js';
import type { SloProcessor } from './slo.js';

const MIN = 60_000;
const MS = 1_000_000n; // ns per ms
const L = 'slo="api-ratio",service="checkout"';
type Proc = SloProcessor<MetricsData>;

async function setup(ratio: object, s: TestSettings = testSettings('slo')) {
  const cfg = sloProcessorFactory.parse({ objectives: [{ name: 'api-ratio', service: 'checkout', sli: { ratio }, objective: 0.99, min_events: 0 }] });
  const next = f.sink<MetricsData>();
  const proc = sloProcessorFactory.create.metrics!(s, cfg, next) as Proc;
  await proc.start(s.host);
  return { proc, s, next };
}

/** A cumulative (or delta) monotonic Sum `requests` with points [value, attrs, startNs, timeNs]. */
function sum(name: string, points: Array<[number, Record<string, string>, bigint, bigint]>, temporality = 2, monotonic = true): Metric {
  return f.metric(name, '1', { type: 'sum', aggregationTemporality: temporality, isMonotonic: monotonic, dataPoints: points.map(([v, a, st, t]) => f.numberPoint(v, a, st, t)) });
}

const batch = (...ms: Metric[]): MetricsData => f.metrics({ 'service.name': 'checkout' }, ms);

describe('slo ratio SLIs over received metrics', () => {
  test('good/total from cumulative counters: baseline, increments, reset by start time and by a lower value, repeats, exact', async () => {
    const { proc, s, next } = await setup({ good: 'http.requests{code!~"5.."}', total: 'http.requests' });
    const now = () => BigInt(s.clock.now()) * MS;
    const before = now() - 3_600_000n * MS; // the app's counters started an hour before the agent
    const pts = (ok: number, err: number, start = before) => sum('http.requests', [[ok, { code: '200' }, start, now()], [err, { code: '503' }, start, now()]]);
    await proc.consume(batch(pts(1000, 10))); // first sight of series that started before: the baseline
    expect(next.got.length).toBe(1);
    expect(proc.api.get('api-ratio')!.total).toBe(0);
    await s.clock.advance(10_000);
    await proc.consume(batch(pts(1090, 20))); // +90 good, +10 bad
    await proc.consume(batch(pts(1090, 20))); // the same points again (same time): nothing
    await s.clock.advance(MIN);
    const restart = now();
    await proc.consume(batch(pts(30, 5, restart))); // the app restarted: a new start time, counted from 0
    await s.clock.advance(10_000);
    await proc.consume(batch(pts(40, 1, restart))); // a lower value without a new start time: a reset too
    const st = proc.api.get('api-ratio')!;
    expect([st.good, st.total]).toEqual([90 + 30 + 10, 100 + 35 + 11]);
    expect(st.windows['1h']).toMatchObject({ good: 130, total: 146 });
    expect(st.windows['5m']).toMatchObject({ good: 130, total: 146 });
    await s.clock.advance(4 * MIN - 10_000); // the first minute (90/100) leaves the 5m window
    expect(proc.api.get('api-ratio')!.windows['5m']).toMatchObject({ good: 40, total: 46 });
    const text = await s.render();
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="good"} 130\n`);
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="bad"} 16\n`);
    expect(proc.mutates).toBe(false);
  });

  test('a series that started after the agent counts its first value; delta points add as they come; other kinds are ignored', async () => {
    const { proc, s } = await setup({ good: 'rpc.calls{outcome="ok"}', total: 'rpc.calls' });
    const now = BigInt(s.clock.now()) * MS;
    await proc.consume(batch(
      sum('rpc.calls', [[7, { outcome: 'ok' }, now + 1n, now + 5n], [3, { outcome: 'error' }, now + 1n, now + 5n]]), // born after the agent started
      sum('rpc.calls', [[100, { outcome: 'ok' }, now, now + 5n]], 1), // delta
      sum('rpc.calls', [[500, { outcome: 'ok' }, now, now + 5n]], 2, false), // not monotonic
      f.metric('rpc.calls', '1', { type: 'gauge', dataPoints: [f.numberPoint(900, { outcome: 'ok' })] }),
      sum('rpc.other', [[50, { outcome: 'ok' }, now + 1n, now + 5n]]),
    ));
    expect(proc.api.get('api-ratio')).toMatchObject({ good: 107, total: 110 });
  });

  test('a batch refused downstream and sent again counts once; two points of a series in one batch count in order', async () => {
    const s = testSettings('slo');
    const cfg = sloProcessorFactory.parse({ objectives: [{ name: 'api-ratio', service: 'checkout', sli: { ratio: { good: 'req{code="200"}', total: 'req' } }, objective: 0.99 }] });
    let refuse = true;
    const proc = sloProcessorFactory.create.metrics!(s, cfg, { consume: async () => { if (refuse) throw new Error('queue full'); } }) as Proc;
    await proc.start(s.host);
    const t = BigInt(s.clock.now()) * MS + 1n;
    const first = batch(sum('req', [[10, { code: '200' }, t, t + 1n], [2, { code: '500' }, t, t + 1n]]));
    await expect(proc.consume(first)).rejects.toThrow('queue full');
    expect(proc.api.get('api-ratio')!.total).toBe(0);
    refuse = false;
    await proc.consume(first);
    expect(proc.api.get('api-ratio')).toMatchObject({ good: 10, total: 12 });
    // a batch holding two exports of the same series (e.g. after a batch processor)
    await proc.consume(batch(sum('req', [[15, { code: '200' }, t, t + 2n], [20, { code: '200' }, t, t + 3n]])));
    expect(proc.api.get('api-ratio')).toMatchObject({ good: 20, total: 22 });
  });

  test('bad/total; matchers over point and resource attributes, regex anchored', async () => {
    const { proc, s } = await setup({ bad: 'jobs_total{result=~"fail|timeout",service.name="checkout"}', total: 'jobs_total{service.name="checkout"}' });
    const t = BigInt(s.clock.now()) * MS;
    const pts = (ok: number, fail: number, timeout: number, failed: number, time: bigint) => sum('jobs_total', [
      [ok, { result: 'ok' }, t, time], [fail, { result: 'fail' }, t, time], [timeout, { result: 'timeout' }, t, time], [failed, { result: 'failed' }, t, time]]);
    await proc.consume(batch(pts(0, 0, 0, 0, t + 1n)));
    await proc.consume(batch(pts(80, 6, 4, 10, t + 2n))); // `failed` is not `fail`: regexes are anchored
    await proc.consume(f.metrics({ 'service.name': 'other' }, [pts(1000, 1000, 0, 0, t + 3n)])); // another service's
    expect(proc.api.get('api-ratio')).toMatchObject({ good: 90, total: 100 });
    expect(proc.api.get('api-ratio')!.sli).toBeCloseTo(0.9, 12);
    const text = await s.render();
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="good"} 90\n`);
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="bad"} 10\n`);
  });

  test('the exposed outcome counters never go back when a good point comes a batch before its total', async () => {
    const { proc, s } = await setup({ good: 'req{code="200"}', total: 'req_all' });
    const t = BigInt(s.clock.now()) * MS + 1n;
    await proc.consume(batch(sum('req', [[50, { code: '200' }, t, t + 1n]])));
    await proc.consume(batch(sum('req_all', [[60, {}, t, t + 1n]])));
    expect(proc.api.get('api-ratio')).toMatchObject({ good: 50, total: 60 });
    const text = await s.render();
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="good"} 50\n`);
    expect(text).toContain(`outrider_slo_events_total{${L},outcome="bad"} 10\n`);
  });

  test('a traces and a metrics instance side by side: each its own SLOs, both in the store and on the slo service', async () => {
    const s = testSettings('slo');
    const board = new SloRegistry();
    const host = testHost([[METRICS, s.registry], [SIGNALS, s.signals], [STORE, s.store], [SLO, board]]);
    const cfg = sloProcessorFactory.parse({ objectives: [
      { name: 'spans', service: 'checkout', sli: 'availability', objective: 0.99 },
      { name: 'api-ratio', service: 'checkout', sli: { ratio: { good: 'req{code="200"}', total: 'req' } }, objective: 0.99 },
    ] });
    const traces = sloProcessorFactory.create.traces!(s, cfg, f.sink<TracesData>()) as SloProcessor;
    const metrics = sloProcessorFactory.create.metrics!(s, cfg, f.sink<MetricsData>()) as Proc;
    await traces.start(host);
    await metrics.start(host);
    const t = BigInt(s.clock.now()) * MS + 1n;
    await traces.consume(f.traces({ 'service.name': 'checkout' }, [f.span({ name: 'a' })]));
    await metrics.consume(batch(sum('req', [[9, { code: '200' }, t, t + 1n], [1, { code: '500' }, t, t + 1n]])));
    expect(board.list().map((st) => [st.name, st.good, st.total])).toEqual([['spans', 1, 1], ['api-ratio', 9, 10]]);
    await traces.shutdown();
    await metrics.shutdown(); // both flushed under their own claims
    const again = sloProcessorFactory.create.metrics!(s, cfg, f.sink<MetricsData>()) as Proc;
    await again.start(host);
    expect(again.api.list().map((st) => [st.name, st.good, st.total])).toEqual([['api-ratio', 9, 10]]);
    await again.shutdown();
  });

  test('config: a ratio needs exactly one of good and bad, and selectors that parse', () => {
    const v = (ratio: object) => sloProcessorFactory.validate({ objectives: [{ name: 'rr', service: 's', sli: { ratio }, objective: 0.9 }] }).map((p) => `${p.path}: ${p.message}`);
    expect(v({ good: 'a', total: 'b' })).toEqual([]);
    expect(v({ good: 'a', bad: 'c', total: 'b' }).join()).toContain('ratio needs good and total, or bad and total');
    expect(v({ total: 'b' }).join()).toContain('ratio needs good and total, or bad and total');
    expect(v({ good: 'a{code=200}', total: 'b' }).join()).toContain(`selector 'a{code=200}': expected key="value"`);
  });

  test('validate warns about an SLO no pipeline of its signal counts (a ratio SLO with slo only in a traces pipeline)', () => {
    const yaml = (pipelines: string) => `
storage: { path: ./data/o.db }
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
processors: { slo: { objectives: [{ name: api, service: s, sli: { ratio: { good: 'req{code="200"}', total: req } }, objective: 0.99 }, { name: spans, service: s, sli: availability, objective: 0.99 }] } }
exporters: { nop: {} }
service: { pipelines: { ${pipelines} } }
`;
    const traces = 'traces: { receivers: [otlp], processors: [slo], exporters: [nop] }';
    const metrics = 'metrics: { receivers: [otlp], processors: [slo], exporters: [nop] }';
    const only = loadConfig({ yaml: yaml(traces) }, factoryMap(), {});
    expect(only.problems).toEqual([]);
    expect(only.warnings).toEqual([{ path: 'processors.slo.objectives', message: "SLO 'api' is counted only by an slo processor in a metrics pipeline, and no metrics pipeline uses this one" }]);
    expect(loadConfig({ yaml: yaml(`${traces}, ${metrics}`) }, factoryMap(), {}).warnings).toEqual([]);
  });
});

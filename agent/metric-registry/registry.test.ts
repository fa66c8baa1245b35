// The registry: negotiation, escaping, merging and conflicts across sources, self telemetry, exp buckets.
import { describe, expect, test } from 'vitest';
import { PrometheusRegistry, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../metric-registry.js';
import { createSelfTelemetry } from '../self-telemetry.js';
import { prefersOpenMetrics } from './negotiate.js';
import { ExpHistogramState, expIndex, PROMETHEUS_SCALES } from './exp-histogram.js';
import { conflictLogger } from './merge-families.js';

describe('negotiation', () => {
  test.each([
    [undefined, false], ['*/*', false], ['text/plain;version=0.0.4', false],
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', true],
    ['application/openmetrics-text; version=0.0.1', true], ['application/openmetrics-text;version=2.0.0', false],
    ['text/plain;q=0.9,application/openmetrics-text;q=0.5', false], ['application/openmetrics-text;q=0', false],
  ])('%s → OpenMetrics %s', (accept, om) => { expect(prefersOpenMetrics(accept)).toBe(om); });
});

describe('PrometheusRegistry', () => {
  test('counter, gauge and histogram vectors; escaping; content types', async () => {
    const r = new PrometheusRegistry();
    r.counter('jobs_total', 'Jobs "done"\\ok\nnext', ['kind']).add(['a"b\\c\nd'], 2);
    r.gauge('temp', 'T', []).set([], -1.5);
    r.histogram('lat_seconds', 'L', ['op'], [0.1, 1]).observe(['x'], 0.5, 3);
    const text = await r.render(undefined);
    expect(text.contentType).toBe(TEXT_CONTENT_TYPE);
    expect(text.body).toBe([
      '# HELP jobs_total Jobs "done"\\\\ok\\nnext', '# TYPE jobs_total counter', 'jobs_total{kind="a\\"b\\\\c\\nd"} 2',
      '# HELP temp T', '# TYPE temp gauge', 'temp -1.5',
      '# HELP lat_seconds L', '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{op="x",le="0.1"} 0', 'lat_seconds_bucket{op="x",le="1"} 3', 'lat_seconds_bucket{op="x",le="+Inf"} 3',
      'lat_seconds_sum{op="x"} 1.5', 'lat_seconds_count{op="x"} 3', ''].join('\n'));
    const om = await r.render('application/openmetrics-text');
    expect(om.contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(om.body.split('\n').slice(0, 3)).toEqual(['# HELP jobs Jobs \\"done\\"\\\\ok\\nnext', '# TYPE jobs counter', 'jobs_total{kind="a\\"b\\\\c\\nd"} 2']);
    expect(om.body.endsWith('\n# EOF\n')).toBe(true);
  });

  test('same family from two sources merges; another type under the same name is dropped', async () => {
    const conflicts: string[] = [];
    const r = new PrometheusRegistry({ onConflict: (n, k, d) => conflicts.push(`${n}:${k}/${d}`) });
    r.counter('x_total', 'X', ['a']).add(['1']);
    r.counter('x_total', 'X', ['a']).add(['2']);
    r.gauge('x_total', 'X', []).set([], 1);
    expect((await r.render(undefined)).body).toBe('# HELP x_total X\n# TYPE x_total counter\nx_total{a="1"} 1\nx_total{a="2"} 1\n');
    expect(conflicts).toEqual(['x_total:counter/gauge']);
  });

  test('OpenMetrics family names collide: counter req_total and gauge req; the later is dropped in both formats', async () => {
    const conflicts: string[] = [];
    const r = new PrometheusRegistry({ onConflict: (n, k, d, kn) => conflicts.push(`${n}:${k}/${d}:${kn}`) });
    r.counter('req_total', 'R', []).add([], 2);
    r.gauge('req', 'G', []).set([], 1);
    r.counter('req', 'R2', []).add([], 3); // OpenMetrics family req, sample req_total: taken
    expect((await r.render('application/openmetrics-text')).body).toBe('# HELP req R\n# TYPE req counter\nreq_total 2\n# EOF\n');
    expect((await r.render(undefined)).body).toBe('# HELP req_total R\n# TYPE req_total counter\nreq_total 2\n');
    expect(conflicts.slice(0, 2)).toEqual(['req:counter/gauge:req_total', 'req:counter/counter:req_total']);
  });

  test('_bucket, _sum and _count of histograms and summaries collide with other families, in either order', async () => {
    const conflicts: string[] = [];
    const r = new PrometheusRegistry({ onConflict: (n, k, d, kn) => conflicts.push(`${n}:${k}/${d}:${kn}`) });
    r.gauge('x_count', 'X', []).set([], 9);
    r.histogram('lat', 'L', [], [1]).observe([], 0.5);
    r.gauge('lat_bucket', 'B', []).set([], 1);
    r.counter('lat_sum', 'S', []).add([]);
    r.gauge('lat_count_other', 'O', []).set([], 4);
    r.register({ collect: () => [{ name: 'x', help: 'Q', type: 'summary', series: [{ labels: '', quantiles: [], sum: 1, count: 1 }] }] });
    expect((await r.render(undefined)).body).toBe(['# HELP x_count X', '# TYPE x_count gauge', 'x_count 9',
      '# HELP lat L', '# TYPE lat histogram', 'lat_bucket{le="1"} 1', 'lat_bucket{le="+Inf"} 1', 'lat_sum 0.5', 'lat_count 1',
      '# HELP lat_count_other O', '# TYPE lat_count_other gauge', 'lat_count_other 4', ''].join('\n'));
    expect(conflicts).toEqual(['lat_bucket:histogram/gauge:lat', 'lat_sum:histogram/counter:lat', 'x:gauge/summary:x_count']);
  });

  test('conflicts are logged at most once a minute per family, with the count held back', () => {
    let now = 0;
    const logs: unknown[] = [];
    const log = conflictLogger({ warn: (o) => { logs.push(o); } }, 60_000, () => now);
    for (let i = 0; i < 3; i++) log('req', 'counter', 'gauge', 'req_total', 'name_conflict');
    log('lat_count', 'histogram', 'gauge', 'lat', 'name_conflict');
    now = 60_000;
    log('req', 'counter', 'gauge', 'req_total', 'name_conflict');
    expect(logs).toEqual([
      { metric: 'req', type: 'gauge', conflictsWith: 'req_total', conflictingType: 'counter', reason: 'name_conflict', suppressed: 0 },
      { metric: 'lat_count', type: 'gauge', conflictsWith: 'lat', conflictingType: 'histogram', reason: 'name_conflict', suppressed: 0 },
      { metric: 'req', type: 'gauge', conflictsWith: 'req_total', conflictingType: 'counter', reason: 'name_conflict', suppressed: 2 }]);
    expect(PrometheusRegistry.logConflicts({ warn() {} })).toBeTypeOf('function');
  });

  test('vectors are shared by name: asking again returns the same values; the last owner removes them', async () => {
    const r = new PrometheusRegistry();
    const a = r.counter('c_total', 'h', ['k']);
    a.series(['x']).add(3);
    const b = r.counter('c_total', 'h', ['k']);
    expect(b).toBe(a);
    b.series(['x']).add(2);
    r.unregister(a);
    expect((await r.render(undefined)).body).toContain('c_total{k="x"} 5');
    r.unregister(b);
    expect((await r.render(undefined)).body).toBe('');
    const other = r.counter('c_total', 'h', ['k', 'l']);
    expect(other).not.toBe(a);
  });

  test('OpenMetrics is negotiated only when the caller allows it', async () => {
    const r = new PrometheusRegistry();
    expect((await r.render('application/openmetrics-text', false)).contentType).toBe(TEXT_CONTENT_TYPE);
    expect((await r.render('application/openmetrics-text')).contentType).toBe(OPENMETRICS_CONTENT_TYPE);
  });

  test('invalid names are refused; unregister removes a source; empty registry renders nothing', async () => {
    const r = new PrometheusRegistry();
    expect(() => r.counter('bad-name', '', [])).toThrow(/invalid metric name/);
    expect(() => r.gauge('ok', '', ['__reserved'])).toThrow(/invalid label name/);
    const g = r.gauge('g', 'G', []);
    g.set([], 1);
    r.unregister(g);
    expect((await r.render(undefined)).body).toBe('');
    expect((await r.render('application/openmetrics-text')).body).toBe('# EOF\n');
  });

  test('self telemetry is appended: _total on counters, resource in target_info', async () => {
    const self = createSelfTelemetry({ serviceVersion: '1.0.0' });
    const r = new PrometheusRegistry({ selfTelemetry: self.exporter });
    self.meter.createCounter('outrider_receiver_accepted_spans', { description: 'Accepted.' }).add(3, { receiver: 'otlp' });
    self.meter.createUpDownCounter('outrider_exporter_queue_size', { description: 'Queue.' }).add(2, { exporter: 'otlp' });
    const body = (await r.render(undefined)).body;
    expect(body).toContain('# TYPE target_info gauge\ntarget_info{service_name="outrider",service_version="1.0.0"} 1\n');
    expect(body).toContain('# TYPE outrider_receiver_accepted_spans_total counter\noutrider_receiver_accepted_spans_total{receiver="otlp"} 3\n');
    expect(body).toContain('# TYPE outrider_exporter_queue_size gauge\noutrider_exporter_queue_size{exporter="otlp"} 2\n');
    await self.meterProvider.shutdown();
  });
});

describe('exponential histogram', () => {
  test('bucket index: (base^i, base^(i+1)]', () => {
    expect(expIndex(1, 0)).toBe(-1);
    expect(expIndex(2, 0)).toBe(0);
    expect(expIndex(3, 0)).toBe(1);
    expect(expIndex(4, 1)).toBe(3);
  });
  test('records downscale to stay within max_size and keep every count', () => {
    const h = new ExpHistogramState(4);
    for (const v of [1, 2, 4, 8, 16, 1000]) h.record(v);
    const c = h.toClassic();
    expect(h.scale).toBeLessThanOrEqual(0);
    expect(c.counts.length - 1).toBeLessThanOrEqual(4 + 1); // ≤ 4 buckets plus the lower edge of the lowest
    expect(c.counts.reduce((a, b) => a + b, 0)).toBe(6);
    for (let i = 1; i < c.bounds.length; i++) expect(c.bounds[i]!).toBeGreaterThan(c.bounds[i - 1]!);
    expect(c.bounds.at(-1)!).toBeGreaterThanOrEqual(1000);
  });
  test('merge refuses points outside the scale range (and shift-overflowing ones) without changing the state', () => {
    const h = new ExpHistogramState(1 << 12, PROMETHEUS_SCALES);
    const p = (scale: number) => ({ scale, zeroCount: 1, zeroThreshold: 0, sum: 1, count: 2, positive: { offset: 0, bucketCounts: [1] }, negative: null });
    expect(h.scale).toBe(8);
    expect(h.merge(p(-5))).toBe(false);
    expect(h.merge(p(0.5))).toBe(false);
    expect(h.merge(p(40))).toBe(false);
    expect(h.count).toBe(0);
    expect(h.merge(p(20))).toBe(true);
    expect(h.scale).toBe(8);
    expect(new ExpHistogramState().merge(p(-10))).toBe(true);
  });
  test('classic buckets are strictly increasing with one +Inf, whatever the scale', () => {
    for (const scale of [-10, -4, 0, 8, 20]) {
      const h = new ExpHistogramState(1 << 14);
      h.scale = scale;
      for (const v of [Number.MIN_VALUE, 1e-300, 1, 1e300, Number.MAX_VALUE, -Number.MAX_VALUE, -Number.MIN_VALUE, 0]) h.record(v);
      const c = h.toClassic();
      for (let i = 1; i < c.bounds.length; i++) expect(c.bounds[i]!).toBeGreaterThan(c.bounds[i - 1]!);
      expect(c.bounds.every(Number.isFinite)).toBe(true);
      expect(c.counts.reduce((a, b) => a + b, 0)).toBe(8);
    }
  });
});

// Real `promtool check metrics` over every metric type, self telemetry, span metrics and bad OTLP input.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { everyType } from '../../test/fixtures/prometheus/every-type.js';
import { spanMetricsProcessorFactory } from '../../processors/spanmetrics/index.js';
import { prometheusExporterFactory } from './index.js';

/** Runs promtool; a missing binary fails the test (CI installs Debian's `prometheus`). */
function promtool(body: string): { status: number; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw new Error(`promtool is required (apt-get install prometheus): ${r.error.message}`);
  return { status: r.status ?? -1, out: (r.stdout + r.stderr).trim() };
}

async function agentLike(withSpans: boolean) {
  const { settings, registry, self, host, render } = f.settings('prometheus', { self: true });
  const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.createDefaultConfig(), ['metrics']);
  await exp.start(host);
  await exp.metrics!.consume(everyType());
  self.meter.createCounter('outrider_receiver_accepted_spans', { description: 'Spans accepted.' }).add(5, { receiver: 'otlp' });
  self.meter.createHistogram('outrider_export_duration_seconds', { description: 'Export time.' }).record(0.01, { exporter: 'otlp' });
  if (withSpans) {
    const sm = spanMetricsProcessorFactory.create.traces!({ ...settings, id: 'spanmetrics' }, spanMetricsProcessorFactory.parse({ dimensions: ['http.route'] }), f.sink());
    await sm.start(host);
    await sm.consume(f.traces({ 'service.name': 'checkout' }, [f.span({ name: 'GET /cart', attributes: f.kv({ 'http.route': '/cart' }) })]));
  }
  return registry;
}

describe('promtool check metrics', () => {
  test('every OTLP metric type plus self telemetry: clean (exit 0, no findings)', async () => {
    const { body } = await (await agentLike(false)).render(undefined);
    for (const t of ['gauge', 'counter', 'histogram', 'summary']) expect(body).toMatch(new RegExp(`# TYPE \\S+ ${t}`));
    const r = promtool(body);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  test('with span metrics: parses, and the only lint is the milliseconds unit Jaeger requires', async () => {
    const { body } = await (await agentLike(true)).render(undefined);
    const r = promtool(body);
    expect(r.out).toBe('traces_span_metrics_duration_milliseconds use base unit "seconds" instead of "milliseconds"');
    expect(r.status).toBe(3); // lint findings only; 1 would be a parse error
  });

  test('bad OTLP input (empty names, extreme exp-histogram scales, family collisions) still parses cleanly', async () => {
    const { settings, registry, host, render } = f.settings('prometheus');
    const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.createDefaultConfig(), ['metrics']);
    await exp.start(host);
    const eh = (name: string, scale: number, zeroCount: number, positive: object | null, negative: object | null = null) => f.metric(name, 'By', {
      type: 'exponentialHistogram', aggregationTemporality: 2,
      dataPoints: [{ ...f.histPoint([], [], 0), scale, zeroCount, zeroThreshold: 0, sum: 1, count: zeroCount + 2, positive, negative } as never] }, 'd');
    const g = (name: string) => f.metric(name, '', { type: 'gauge', dataPoints: [f.numberPoint(1)] }, 'd');
    const c = f.metric('req', '', { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints: [f.numberPoint(2)] }, 'd');
    await exp.metrics!.consume(f.metrics({ 'service.name': 'shop' }, [g('请求数'), c, g('req'),
      eh('big', -4, 0, { offset: 62, bucketCounts: [1, 1] }), g('big_bytes_count'), eh('tiny', 0, 1, { offset: -1080, bucketCounts: [1] }, { offset: 1100, bucketCounts: [1] }),
      eh('fine', 12, 0, { offset: 0, bucketCounts: [1, 1] }), eh('coarse', -6, 0, { offset: 0, bucketCounts: [2] })]));
    const text = (await render(undefined)).body;
    const r = promtool(text);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
    expect(text.match(/# TYPE \S+/g)).toEqual(['req_total', 'big_bytes', 'tiny_bytes', 'fine_bytes'].map((n) => `# TYPE ${n}`));
    const om = (await render('application/openmetrics-text')).body;
    expect(om.match(/# TYPE \S+/g)).toEqual(['req', 'big_bytes', 'tiny_bytes', 'fine_bytes'].map((n) => `# TYPE ${n}`));
  });
});

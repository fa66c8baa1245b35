// The agent's own families (self telemetry, processors' vectors) always win over families
// translated from applications (sources with origin 'app'), whatever the registration order.
import { describe, expect, test } from 'vitest';
import { PrometheusRegistry, type Family, type MetricSource } from '../metric-registry.js';
import { createSelfTelemetry } from '../self-telemetry.js';

/** An application source (like the prometheus exporter) holding fixed families, recording what it was told was dropped. */
function appSource(families: Family[]) {
  const dropped: Array<[string, number, string]> = [];
  const src: MetricSource = {
    origin: 'app',
    collect: () => families.map((f) => ({ ...f, series: [...(f.series as Iterable<never>)] }) as Family),
    dropped: (name, series, reason) => { dropped.push([name, series, reason]); },
  };
  return { src, dropped };
}

const LABELS = 'receiver="otlp",transport="http"';

describe('agent families win over application families', () => {
  test('an app counter named like a self-telemetry counter, same labels: one series, the agent\'s', async () => {
    const self = createSelfTelemetry({ serviceVersion: '1.0.0' });
    const conflicts: string[] = [];
    const r = new PrometheusRegistry({ selfTelemetry: self.exporter, onConflict: (n, k, d, kn, why) => conflicts.push(`${n}:${k}/${d}:${kn}:${why}`) });
    const app = appSource([{ name: 'outrider_receiver_accepted_spans_total', help: 'OTLP metric', type: 'counter', series: [{ labels: LABELS, value: 7 }] }]);
    r.register(app.src);
    self.meter.createCounter('outrider_receiver_accepted_spans').add(20290, { receiver: 'otlp', transport: 'http' });
    for (const accept of [undefined, 'application/openmetrics-text']) {
      const body = (await r.render(accept)).body;
      const lines = body.split('\n').filter((l) => l.startsWith('outrider_receiver_accepted_spans_total{'));
      expect(lines).toEqual([`outrider_receiver_accepted_spans_total{${LABELS}} 20290`]);
    }
    expect(conflicts[0]).toBe('outrider_receiver_accepted_spans_total:counter/counter:outrider_receiver_accepted_spans_total:agent_name');
    expect(app.dropped).toEqual([['outrider_receiver_accepted_spans_total', 1, 'agent_name'], ['outrider_receiver_accepted_spans_total', 1, 'agent_name']]);
    await self.meterProvider.shutdown();
  });

  test('an app gauge taking a self counter\'s OpenMetrics family name is dropped, not the agent\'s counter', async () => {
    const self = createSelfTelemetry();
    const r = new PrometheusRegistry({ selfTelemetry: self.exporter });
    const app = appSource([{ name: 'outrider_receiver_accepted_spans', help: 'g', type: 'gauge', series: [{ labels: '', value: 1 }, { labels: 'a="b"', value: 2 }] }]);
    r.register(app.src);
    self.meter.createCounter('outrider_receiver_accepted_spans').add(3, { receiver: 'otlp' });
    const body = (await r.render('application/openmetrics-text')).body;
    expect(body).toContain('# TYPE outrider_receiver_accepted_spans counter\noutrider_receiver_accepted_spans_total{receiver="otlp"} 3\n');
    expect(body).not.toContain('# TYPE outrider_receiver_accepted_spans gauge');
    expect(app.dropped).toEqual([['outrider_receiver_accepted_spans', 2, 'agent_name']]);
    await self.meterProvider.shutdown();
  });

  test('a processor vector registered after the app source still wins (derived series)', async () => {
    const r = new PrometheusRegistry();
    const app = appSource([
      { name: 'traces_span_metrics_calls_total', help: 'fake', type: 'counter', series: [{ labels: 'service_name="a"', value: 1e9 }] },
      { name: 'app_orders_total', help: 'orders', type: 'counter', series: [{ labels: '', value: 5 }] }]);
    r.register(app.src);
    r.counter('traces_span_metrics_calls_total', 'Calls', ['service_name']).add(['a'], 4);
    const body = (await r.render(undefined)).body;
    expect(body).toContain('# HELP traces_span_metrics_calls_total Calls\n# TYPE traces_span_metrics_calls_total counter\ntraces_span_metrics_calls_total{service_name="a"} 4\n');
    expect(body).not.toContain('1000000000');
    expect(body).toContain('app_orders_total 5\n');
    expect(app.dropped).toEqual([['traces_span_metrics_calls_total', 1, 'agent_name']]);
  });

  test('app families still merge and conflict among themselves as before', async () => {
    const r = new PrometheusRegistry();
    const a = appSource([{ name: 'x', help: 'X', type: 'gauge', series: [{ labels: 'a="1"', value: 1 }] }]);
    const b = appSource([{ name: 'x', help: 'X', type: 'gauge', series: [{ labels: 'a="2"', value: 2 }] }, { name: 'x_total', help: 'C', type: 'counter', series: [{ labels: '', value: 1 }] }]);
    r.register(a.src);
    r.register(b.src);
    expect((await r.render(undefined)).body).toBe('# HELP x X\n# TYPE x gauge\nx{a="1"} 1\nx{a="2"} 2\n');
    expect(b.dropped).toEqual([['x_total', 1, 'name_conflict']]);
  });
});

describe('target_info', () => {
  test('the agent\'s own stays its own: an app series with exactly its labels is dropped, other app series are kept', async () => {
    const self = createSelfTelemetry({ serviceVersion: '1.0.0' });
    const r = new PrometheusRegistry({ selfTelemetry: self.exporter });
    const agentLabels = 'service_name="outrider",service_version="1.0.0"';
    const app = appSource([{ name: 'target_info', help: 'Target metadata', type: 'gauge',
      series: [{ labels: agentLabels, value: 1 }, { labels: 'host_name="n",instance="pod-1",job="shop/checkout"', value: 1 }] }]);
    r.register(app.src);
    const body = (await r.render(undefined)).body;
    expect(body.match(/# TYPE target_info/g)).toHaveLength(1);
    expect(body.split('\n').filter((l) => l.startsWith('target_info'))).toEqual([
      `target_info{${agentLabels}} 1`, 'target_info{host_name="n",instance="pod-1",job="shop/checkout"} 1']);
    expect(app.dropped).toEqual([['target_info', 1, 'agent_name']]);
    await self.meterProvider.shutdown();
  });
});

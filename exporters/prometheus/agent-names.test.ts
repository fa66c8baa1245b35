// Application metrics never impersonate the agent's own series on /metrics: a translated family
// named like one of the agent's is left out (and counted), the agent's target_info stays its own.
import { describe, expect, test } from 'vitest';
import type { AnyValue, Metric } from '../../agent/pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { prometheusExporterFactory } from './index.js';

const NO_SCOPE = { name: '', version: '' };

async function setup() {
  const { settings, registry, self, host } = f.settings('prometheus', { self: true });
  const logs: Array<Record<string, unknown>> = [];
  const exp = prometheusExporterFactory.create(settings, prometheusExporterFactory.parse({}), ['metrics']);
  await exp.start(host);
  const send = (res: Record<string, AnyValue>, ms: Metric[]) => exp.metrics!.consume(f.metrics(res, ms, NO_SCOPE));
  const body = async (accept?: string) => (await registry.render(accept)).body;
  return { send, body, logs, self, settings };
}

const counter = (name: string, v: number, attrs: Record<string, AnyValue>) =>
  f.metric(name, '', { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints: [f.numberPoint(v, attrs)] }, 'd');

describe('app metrics named like the agent\'s own', () => {
  test('outrider_receiver_accepted_spans from an app: one series on /metrics, the agent\'s value; the app family is counted as dropped', async () => {
    const { send, body, self, settings } = await setup();
    settings.meter.createCounter('outrider_receiver_accepted_spans').add(20290, { receiver: 'otlp', transport: 'http' });
    await send({}, [counter('outrider_receiver_accepted_spans', 7, { receiver: 'otlp', transport: 'http' }), counter('app_orders', 5, {})]);
    for (const accept of [undefined, 'application/openmetrics-text']) {
      const text = await body(accept);
      expect(text.split('\n').filter((l) => l.startsWith('outrider_receiver_accepted_spans_total{'))).toEqual([
        'outrider_receiver_accepted_spans_total{receiver="otlp",transport="http"} 20290']);
      expect(text).toContain('app_orders_total 5\n');
    }
    // counted at each scrape that leaves it out: two so far
    expect(await body()).toContain('outrider_exporter_dropped_metric_points_total{exporter="prometheus",reason="agent_name"} 2\n');
    await self.meterProvider.shutdown();
  });

  test('an app resource whose target_info labels equal the agent\'s: the agent\'s line stays single, other app targets stay', async () => {
    const { send, body, self } = await setup();
    await send({ service_name: 'outrider' }, [counter('a', 1, {})]);
    await send({ 'service.name': 'checkout', 'host.name': 'n1' }, [counter('b', 1, {})]);
    const text = await body();
    expect(text.split('\n').filter((l) => l.startsWith('target_info'))).toEqual([
      'target_info{service_name="outrider"} 1', 'target_info{host_name="n1",job="checkout"} 1']);
    expect(await body()).toContain('outrider_exporter_dropped_metric_points_total{exporter="prometheus",reason="agent_name"} 1\n');
    await self.meterProvider.shutdown();
  });
});

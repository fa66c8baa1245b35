// The alerting service inside a real agent: registered after the slo service, reads what the
// spanmetrics processor publishes, and a config reload replaces it over the same SQLite state.
import { afterEach, describe, expect, test } from 'vitest';
import { Agent } from '../agent.js';
import type { Consumer } from '../component.js';
import type { TracesData } from '../pdata/model.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { sinkConfig } from '../../test/kit/config.js';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { createSink } from '../../test/kit/sink.js';
import { ALERTING } from './api.js';

let agent: Agent | undefined;
afterEach(async () => { await agent?.stop(); agent = undefined; });

const rule = (threshold: number) => ({ name: 'HighErrorRate', metric: 'span_error_ratio', labels: { service_name: 'checkout' }, window: '5m', threshold, severity: 'critical' });

describe('alerting in the agent', () => {
  test('fires on spanmetrics\' signals; a reload with new rules keeps the alert and applies them', async () => {
    const clock = new FakeClock();
    const sink = createSink();
    const base = sinkConfig({ processors: { spanmetrics: {} } });
    const pipelines = { traces: base.service.pipelines.traces };
    const cfg = { ...base, service: { ...base.service, pipelines }, alerting: { evaluation_interval: '10s', rules: [rule(0.05)] } };
    agent = await Agent.start(cfg, { factories: [sink.factory], clock });
    const proc = agent.component<Consumer<TracesData>>('processor', 'spanmetrics', 'traces')!;
    const err = f.span({ name: 'GET /pay', status: { message: '', code: 2 } });
    await proc.consume(f.traces({ 'service.name': 'checkout' }, [err, f.span({ name: 'GET /pay' })]));
    await clock.advance(10_000);
    const api = agent.service(ALERTING)!;
    const [a] = api.alerts({ state: 'firing' });
    expect(a).toMatchObject({ name: 'HighErrorRate', value: 0.5, traceIds: ['01'.repeat(16)] });

    const reloaded = await agent.reload({ tree: { ...cfg, alerting: { evaluation_interval: '10s', rules: [rule(0.9)] } } });
    expect(reloaded.outcome).toBe('ok');
    const api2 = agent.service(ALERTING)!;
    expect(api2).not.toBe(api);
    expect(api2.alert(a!.id)!.state).toBe('firing');
    await clock.advance(10_000); // 0.5 is under the new threshold
    expect(api2.alert(a!.id)!.state).toBe('resolved');
  });
});

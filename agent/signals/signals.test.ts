// The signals ring on the fake clock: exact windows from a known span mix, quantiles, gauges,
// the series cap under label churn, and sweeping.
import { describe, expect, it } from 'vitest';
import type { Span } from '../pdata/model.js';
import { FakeClock } from '../../test/kit/fake-clock.js';
import { testSettings } from '../../test/kit/settings.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { SpanMetricsProcessor } from '../../processors/spanmetrics/spanmetrics.js';
import { spanMetricsProcessorFactory } from '../../processors/spanmetrics/index.js';
import { signalsConfigSchema } from './config.js';
import { OVERFLOW_VALUE, SignalStore } from './signals.js';

const MIN = 60_000;
const MS = 1_000_000n;

/** `n` spans of `ms` milliseconds; `error` sets status ERROR. */
function spans(n: number, ms: number, error = false): Span[] {
  return Array.from({ length: n }, (_, i) => f.span({ name: 'GET /cart', spanId: new Uint8Array(8).fill(i + 1),
    endTimeUnixNano: f.T0 + BigInt(ms) * MS, status: { code: error ? 2 : 0, message: '' } }));
}

describe('signals from span metrics', () => {
  it('gives exact calls and errors and the latency quantiles for 1 m and 5 m windows', async () => {
    const settings = testSettings('spanmetrics'); // fake clock at a 10 s step boundary
    const clock = settings.clock;
    const proc = new SpanMetricsProcessor(settings, spanMetricsProcessorFactory.parse({}), { consume: async () => {} });
    await proc.start(settings.host);
    const send = (s: Span[]) => proc.consume(f.traces({ 'service.name': 'checkout' }, s));
    // four minutes before the last minute: 100 slow calls, 10 of them errors
    await send([...spans(90, 5000), ...spans(10, 5000, true)]);
    await clock.advance(3 * MIN);
    // the last minute: one batch per 10 s step, 19 calls of 100 ms and 1 error of 1000 ms each
    for (let i = 0; i < 6; i++) {
      await send([...spans(19, 100), ...spans(1, 1000, true)]);
      await clock.advance(i < 5 ? 10_000 : 9_999); // end inside the sixth step
    }

    const sig = settings.signals;
    const checkout = { service_name: 'checkout' };
    const errors = { ...checkout, status_code: 'STATUS_CODE_ERROR' };
    expect(sig.increase('span_calls', checkout, MIN)).toBe(120);
    expect(sig.increase('span_calls', errors, MIN)).toBe(6);
    expect(sig.increase('span_calls', checkout, 5 * MIN)).toBe(220);
    expect(sig.increase('span_calls', errors, 5 * MIN)).toBe(16);
    expect(sig.rate('span_calls', checkout, MIN)).toBe(2);
    // latency: within the sketch's 1 % relative error, clamped to observed min/max
    const near = (q: number | undefined, want: number) => Math.abs(q! - want) / want;
    expect(near(sig.quantile('span_duration_ms', checkout, 0.5, MIN), 100)).toBeLessThanOrEqual(0.01);
    expect(near(sig.quantile('span_duration_ms', checkout, 0.99, MIN), 1000)).toBeLessThanOrEqual(0.01);
    expect(sig.quantile('span_duration_ms', checkout, 1, MIN)).toBe(1000);
    expect(near(sig.quantile('span_duration_ms', checkout, 0.5, 5 * MIN), 100)).toBeLessThanOrEqual(0.01);
    expect(near(sig.quantile('span_duration_ms', checkout, 0.99, 5 * MIN), 5000)).toBeLessThanOrEqual(0.01);
    const d = sig.summarize('span_duration_ms', errors, 5 * MIN);
    expect([d.count, d.min, d.max, d.sum]).toEqual([16, 1000, 5000, 6 * 1000 + 10 * 5000]);
    // one more step and the first of the minute's batches leaves the 1 m window
    await clock.advance(1);
    expect(sig.increase('span_calls', checkout, MIN)).toBe(100);
    await proc.shutdown();
  });

  it('weights counts by the head-sampling adjusted count', async () => {
    const settings = testSettings('spanmetrics');
    const proc = new SpanMetricsProcessor(settings, spanMetricsProcessorFactory.parse({}), { consume: async () => {} });
    await proc.start(settings.host);
    await proc.consume(f.traces({ 'service.name': 'checkout' }, [f.span({ name: 'x', traceState: 'ot=th:c' })])); // 25 % sampled
    expect(settings.signals.increase('span_calls', { service_name: 'checkout' }, MIN)).toBe(4);
    await proc.shutdown();
  });
});

describe('signal store', () => {
  const make = (cfg: object = {}) => { const clock = new FakeClock(); return { clock, s: new SignalStore(clock, signalsConfigSchema.parse(cfg)) }; };

  it('gauges keep the newest value inside the window; regex matchers select series', async () => {
    const { clock, s } = make();
    const g = s.gauge('slo_burn_rate', ['slo', 'window']);
    g.series(['checkout-availability', '1h']).set(14.4);
    g.series(['checkout-latency', '1h']).set(2);
    await clock.advance(30_000);
    g.series(['checkout-availability', '1h']).set(3);
    expect(s.select('slo_burn_rate', { slo: /checkout-.*/ }).map((v) => v.last(MIN)).sort()).toEqual([2, 3]);
    expect(s.select('slo_burn_rate', { slo: 'checkout-latency' }).map((v) => v.last(10_000))).toEqual([undefined]);
    expect(s.kindOf('slo_burn_rate')).toBe('gauge');
  });

  it('caps series per signal under label churn, counting the overflow, and sweeps stale series', async () => {
    const { clock, s } = make({ max_series: 100, retention: '1m', step: '10s' });
    const c = s.counter('span_calls', ['span_name']);
    for (let i = 0; i < 10_000; i++) c.series([`route-${i}`]).add(1);
    expect(s.seriesCount).toBe(101); // 100 series and one overflow series
    const overflow = s.select('span_calls', { span_name: OVERFLOW_VALUE });
    expect(overflow.map((v) => v.increase(MIN))).toEqual([9_900]);
    expect(s.increase('span_calls', {}, MIN)).toBe(10_000);
    // after retention nothing is left in the ring; the sweep frees the series
    await clock.advance(2 * MIN);
    expect(s.sweep()).toBe(100);
    expect(s.seriesCount).toBe(1);
    // a handle written again after the sweep comes back
    c.series(['route-again']).add(2);
    expect(s.increase('span_calls', { span_name: 'route-again' }, MIN)).toBe(2);
  });

  it('a signal asked for again with the same shape is the same (survives a component swap)', () => {
    const { s } = make();
    const a = s.counter('span_calls', ['service_name']);
    a.series(['x']).add(5);
    const b = s.counter('span_calls', ['service_name']);
    b.series(['x']).add(1);
    expect(b).toBe(a);
    expect(s.increase('span_calls', { service_name: 'x' }, MIN)).toBe(6);
  });
});

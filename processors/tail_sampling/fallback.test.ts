// tail_sampling under memory pressure: new traces are head-sampled at once instead of buffered,
// buffered ones are decided early, and the memory limiter passes data on rather than refusing it.
import { describe, expect, it } from 'vitest';
import { Admission } from '../../agent/admission.js';
import { thresholdOf } from '../../agent/sampling/otep235.js';
import { testHost, testSettings } from '../../test/kit/settings.js';
import { ADMISSION } from '../../agent/admission.js';
import { memoryLimiterConfigSchema } from '../memory_limiter/config.js';
import { MemoryLimiter } from '../memory_limiter/memory_limiter.js';
import { attr, batch, sampler, traceNo, tspan } from './test-kit.js';

const ERROR = { code: 2, message: 'boom' };
const errors = { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } };
const quarter = { name: 'rest', type: 'probabilistic', probabilistic: { sampling_percentage: 25 } };
const HIGH = 0xf0000000000000n; // randomness kept at 25 % (R ≥ 0xc0000000000000)
const LOW = 0x10000000000000n;

/** An admission whose one gate reports memory pressure while `state.pressure` is set. */
function pressureGate() {
  const state = { pressure: false };
  const admission = new Admission();
  admission.publish({ admit: () => true, release: () => {}, pressure: () => state.pressure });
  return { state, admission };
}

describe('tail_sampling fallback to head sampling under memory pressure', () => {
  it('new traces are not buffered but head-sampled at once at the probabilistic policy\'s percentage: th, adjusted count, policy fallback', async () => {
    const { state, admission } = pressureGate();
    const { p, settings, spans, kept } = await sampler({ policies: [errors, quarter] }, { admission });
    state.pressure = true;
    await p.consume(batch([tspan(1, { r: HIGH }), tspan(2, { r: LOW }), tspan(3, { r: LOW, status: ERROR })]));
    expect(kept()).toEqual([1]);         // decided at once, no clock advance; the error trace is not seen by a head decision
    expect(p.tracesInMemory).toBe(0);
    const s = spans()[0]!;
    expect(attr(s, 'outrider.sampling.policy')).toBe('fallback');
    expect(attr(s, 'outrider.sampling.adjusted_count')).toBe(4);
    expect(thresholdOf(s.traceState)).toBe(0xc0000000000000n);
    await p.consume(batch([tspan(1, { child: true, r: HIGH }), tspan(2, { child: true, r: LOW })]));
    expect(spans().map(traceNo)).toEqual([1, 1]); // later spans follow the head decision
    expect(p.stats.fallbacks).toBe(3);
    const text = await settings.render();
    expect(text).toMatch(/outrider_sampling_decisions_total\{(?=[^}]*policy="fallback")(?=[^}]*decision="sampled")[^}]*\} 1/);
    expect(text).toMatch(/outrider_sampling_decisions_total\{(?=[^}]*policy="fallback")(?=[^}]*decision="not_sampled")[^}]*\} 2/);
    expect(settings.signals.increase('sampling_decisions', { policy: 'fallback' }, 60_000)).toBe(3);
    await p.shutdown();
  });

  it('entering pressure decides the buffered traces at once on what they have (errors kept), counted as evictions; back under the soft limit traces are buffered again', async () => {
    const { state, admission } = pressureGate();
    const { p, settings, kept } = await sampler({ policies: [errors, quarter] }, { admission });
    await p.consume(batch([tspan(1, { r: LOW, status: ERROR }), tspan(2, { r: LOW })]));
    expect(p.tracesInMemory).toBe(2);
    state.pressure = true;
    await p.consume(batch([tspan(3, { r: HIGH })]));
    expect(kept()).toEqual([1, 3]);
    expect(p.tracesInMemory).toBe(0);
    expect(await settings.render()).toMatch(/outrider_sampling_evictions_total\{(?=[^}]*reason="memory_pressure")[^}]*\} 2/);
    state.pressure = false;
    await p.consume(batch([tspan(4, { r: LOW, status: ERROR }), tspan(5, { r: HIGH })]));
    expect(p.tracesInMemory).toBe(2);
    await settings.clock.advance(10_000);
    expect(kept()).toEqual([1, 3, 4, 5]);
    expect(p.stats.fallbacks).toBe(1);
    await p.shutdown();
  });

  it('fallback_sampling_percentage sets the percentage; with neither it nor a probabilistic policy there is no fallback (traces stay buffered)', async () => {
    const a = pressureGate();
    const all = await sampler({ policies: [errors], fallback_sampling_percentage: 100 }, { admission: a.admission });
    expect(a.admission.sheds).toBe(true);
    a.state.pressure = true;
    await all.p.consume(batch([tspan(1, { r: LOW })]));
    expect(all.kept()).toEqual([1]);
    expect(attr(all.spans()[0]!, 'outrider.sampling.adjusted_count')).toBe(1);
    await all.p.shutdown();
    expect(a.admission.sheds).toBe(false);

    const b = pressureGate();
    const none = await sampler({ policies: [errors] }, { admission: b.admission });
    expect(b.admission.sheds).toBe(false);
    b.state.pressure = true;
    await none.p.consume(batch([tspan(1, { r: HIGH })]));
    expect(none.p.tracesInMemory).toBe(1);
    expect(none.p.stats.fallbacks).toBe(0);
    await none.p.shutdown();
  });

  it('behind a memory_limiter above its soft limit, data is head-sampled rather than refused; above the hard limit it is refused', async () => {
    const admission = new Admission();
    const { p, kept } = await sampler({ policies: [errors, quarter] }, { admission });
    const MIB = 1024 * 1024;
    let rss = 100 * MIB;
    const settings = testSettings('memory_limiter', 'traces');
    const ml = new MemoryLimiter(settings, memoryLimiterConfigSchema.parse({ limit_mib: 160, spike_limit_mib: 32 }), 'traces', p, () => rss, () => {}, () => ({ resident: rss, free: 0, external: 0 }));
    await ml.start(testHost([[ADMISSION, admission]]));
    rss = 140 * MIB; // soft limit 128, hard 160
    ml.check();
    await ml.consume(batch([tspan(1, { r: HIGH }), tspan(2, { r: LOW })]));
    expect(kept()).toEqual([1]);
    expect(p.tracesInMemory).toBe(0);
    rss = 170 * MIB;
    ml.check();
    await expect(ml.consume(batch([tspan(3, { r: HIGH })]))).rejects.toMatchObject({ code: 'DATA_REFUSED' });
    await ml.shutdown();
    await p.shutdown();
  });
});

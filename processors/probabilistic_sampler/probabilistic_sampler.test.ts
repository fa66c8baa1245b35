// probabilistic_sampler: consistent decisions across agents, kept fraction, tracestate round trip,
// upstream thresholds never lowered.
import { describe, expect, it } from 'vitest';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { adjustedCountOf, encodeThreshold, randomnessOf, thresholdOf } from '../../agent/sampling/otep235.js';
import { span, traces } from '../../test/fixtures/prometheus/otlp.js';
import { testSettings } from '../../test/kit/settings.js';
import { probabilisticSamplerFactory } from './index.js';
import { outgoingThreshold } from './probabilistic_sampler.js';
import { seededRandom } from '../../bench/fixtures.js';

/** A seeded generator, so the fractions below are reproducible. */
const seeded = seededRandom;

function ids(n: number, seed = 7): Uint8Array[] {
  const rnd = seeded(seed);
  return Array.from({ length: n }, () => Uint8Array.from({ length: 16 }, () => Math.floor(rnd() * 256)));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const spansOf = (tds: TracesData[]) => tds.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
const attr = (s: Span, key: string) => s.attributes.find((a) => a.key === key)?.value;

async function run(cfg: Record<string, unknown>, input: Span[], id = 'probabilistic_sampler'): Promise<Span[]> {
  const got: TracesData[] = [];
  const settings = testSettings(id, 'traces');
  const p = probabilisticSamplerFactory.create.traces!(settings, probabilisticSamplerFactory.parse(cfg), { consume: async (d) => { got.push(d); } });
  await p.start(settings.host);
  for (let i = 0; i < input.length; i += 1000) await p.consume(traces({ 'service.name': 'svc' }, input.slice(i, i + 1000).map((s) => ({ ...s, attributes: [...s.attributes] }))));
  await p.shutdown();
  return spansOf(got);
}

describe('probabilistic_sampler', () => {
  it('two agents with the same percentage keep exactly the same trace ids', async () => {
    const input = ids(20_000, 11).map((traceId) => span({ name: 'GET /', traceId }));
    const a = (await run({ sampling_percentage: 10 }, input, 'probabilistic_sampler/a')).map((s) => hex(s.traceId));
    const b = (await run({ sampling_percentage: 10 }, input, 'probabilistic_sampler/b')).map((s) => hex(s.traceId));
    expect(a.length).toBeGreaterThan(1500);
    expect(a).toEqual(b);
    // a lower percentage keeps a subset of what a higher one keeps (consistency across tiers)
    const c = new Set((await run({ sampling_percentage: 25 }, input)).map((s) => hex(s.traceId)));
    expect(a.every((id) => c.has(id))).toBe(true);
  });

  it.each([1, 10, 25, 50])('keeps %d %% of 100,000 traces within 1 %% (relative) of the target', async (pct) => {
    const input = ids(100_000, pct).map((traceId) => span({ name: 'GET /', traceId }));
    const kept = (await run({ sampling_percentage: pct }, input)).length;
    const fraction = kept / 100_000;
    // seeded ids: the check is reproducible; the binomial noise at 1 % is ±3 % relative, so that case gets 0.1 percentage point
    if (pct === 1) expect(Math.abs(fraction - 0.01)).toBeLessThan(0.001);
    else expect(Math.abs(fraction - pct / 100) / (pct / 100)).toBeLessThan(0.01);
  });

  it('writes th into tracestate and the adjusted count; thresholds round-trip', async () => {
    const input = ids(2000, 3).map((traceId) => span({ name: 'GET /', traceId, traceState: 'vendor=x' }));
    for (const pct of [50, 25, 12.5, 10, 1]) {
      const out = await run({ sampling_percentage: pct }, input);
      const want = outgoingThreshold(probabilisticSamplerFactory.parse({ sampling_percentage: pct }), undefined);
      for (const s of out) {
        expect(thresholdOf(s.traceState)).toBe(want);
        expect(s.traceState).toContain('vendor=x');
        expect(s.traceState).toContain(`ot=th:${encodeThreshold(want)}`);
        expect(attr(s, 'outrider.sampling.adjusted_count')).toBe(adjustedCountOf(want));
      }
      // 4 hex digits of precision: within 0.1 % of 1/p
      expect(Math.abs(adjustedCountOf(want) * pct / 100 - 1)).toBeLessThan(0.001);
    }
    // exact power-of-two percentages encode to one digit
    expect(encodeThreshold(outgoingThreshold(probabilisticSamplerFactory.parse({ sampling_percentage: 25 }), undefined))).toBe('c');
  });

  it('never lowers an upstream threshold (proportional multiplies, equalizing takes the stricter)', async () => {
    // upstream thresholds consistent with each trace's randomness (an inconsistent th is erased, per OTEP 235)
    const input = ids(5000, 5).map((traceId, i) => span({ name: 'GET /', traceId, traceState: `ot=th:${['8', 'c', 'e', 'fd70a4', 'f'][i % 5]}` }))
      .filter((s) => randomnessOf('', s.traceId) >= thresholdOf(s.traceState)!);
    const upstream = new Map(input.map((s) => [hex(s.traceId), thresholdOf(s.traceState)!]));
    for (const mode of ['proportional', 'equalizing'] as const) {
      for (const pct of [100, 50, 10]) {
        const out = await run({ sampling_percentage: pct, mode }, input);
        expect(out.length).toBeGreaterThan(0);
        expect(out.filter((s) => thresholdOf(s.traceState)! < upstream.get(hex(s.traceId))!)).toEqual([]);
      }
    }
    const cfg = (pct: number, mode: string) => probabilisticSamplerFactory.parse({ sampling_percentage: pct, mode });
    expect(encodeThreshold(outgoingThreshold(cfg(50, 'proportional'), 0xc0000000000000n))).toBe('e'); // 25 % × 50 % = 12.5 %
    expect(encodeThreshold(outgoingThreshold(cfg(50, 'equalizing'), 0xc0000000000000n))).toBe('c'); // stricter of 25 % and 50 %
    expect(encodeThreshold(outgoingThreshold(cfg(10, 'equalizing'), 0x80000000000000n))).toBe('e667'); // 10 % is stricter than 50 %
    expect(outgoingThreshold(cfg(100, 'proportional'), 0xe0000000000000n)).toBe(0xe0000000000000n);
  });

  it('uses rv from tracestate over the trace id, and drops spans without randomness when fail_closed', async () => {
    const zero = new Uint8Array(16);
    const out = await run({ sampling_percentage: 50 }, [
      span({ name: 'keep', traceId: zero, traceState: 'ot=rv:ffffffffffffff' }),
      span({ name: 'drop', traceId: new Uint8Array(16).fill(0xff), traceState: 'ot=rv:00000000000001' }),
      span({ name: 'none', traceId: zero }),
    ]);
    expect(out.map((s) => s.name)).toEqual(['keep']);
    const open = await run({ sampling_percentage: 50, fail_closed: false }, [span({ name: 'none', traceId: zero })]);
    expect(open.map((s) => s.name)).toEqual(['none']);
  });

  it('counts decisions as outrider_sampling_decisions_total and the sampling_decisions signal', async () => {
    const settings = testSettings('probabilistic_sampler', 'traces');
    const p = probabilisticSamplerFactory.create.traces!(settings, probabilisticSamplerFactory.parse({ sampling_percentage: 50 }), { consume: async () => {} });
    await p.start(settings.host);
    await p.consume(traces({}, [span({ name: 'a', traceId: new Uint8Array(16).fill(0xff) }), span({ name: 'b', traceId: new Uint8Array(16).fill(1) })]));
    const text = await settings.render();
    expect(text).toMatch(/outrider_sampling_decisions_total\{[^}]*decision="sampled"[^}]*\} 1/);
    expect(text).toMatch(/outrider_sampling_decisions_total\{[^}]*decision="not_sampled"[^}]*\} 1/);
    expect(settings.signals.increase('sampling_decisions', { decision: 'sampled' }, 60_000)).toBe(1);
    await p.shutdown();
  });

  it('refuses mode hash_seed with a reason, and percentages below 0', () => {
    expect(probabilisticSamplerFactory.validate({ mode: 'hash_seed' })[0]!.message).toMatch(/hash_seed is not consistent/);
    expect(probabilisticSamplerFactory.validate({ sampling_percentage: -1 })[0]!.path).toBe('sampling_percentage');
  });
});

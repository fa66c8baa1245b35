// The dynamic policy: rare keys kept whole, frequent ones thinned, the whole converging to the goal rate.
import { describe, expect, it } from 'vitest';
import { computeRates } from './dynamic.js';
import { attr, batch, sampler, traceNo, tspan } from './test-kit.js';

/** Seeded randomness for trace ids (mulberry32), so the counts below are reproducible. */
function seeded(seed: number): () => bigint {
  let a = seed >>> 0;
  const u32 = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((BigInt(u32()) << 24n) | BigInt(u32() >>> 8)) & 0xffffffffffffffn;
}

describe('dynamic policy', () => {
  it('computeRates: rare keys rate 1, frequent ones thinned, the kept total at sum/goal', () => {
    const counts = new Map([['GET /cart', 1000], ['POST /checkout', 10]]);
    const rates = computeRates(counts, 10);
    expect(rates.get('POST /checkout')).toBe(1);
    expect(rates.get('GET /cart')).toBeCloseTo(1000 / 91, 6);
    const kept = [...counts].reduce((a, [k, n]) => a + n / rates.get(k)!, 0);
    expect(kept).toBeCloseTo(101, 6); // 1010 / 10
  });

  it('keys converge to their goal rate over adjustment intervals; the adjusted counts sum to the traffic', async () => {
    const { p, settings, spans } = await sampler({
      decision_wait: '100ms', decision_wait_after_root: '0s', num_traces: 100_000,
      policies: [{ name: 'dyn', type: 'dynamic', dynamic: { key_fields: ['http.route'], goal_sample_rate: 10, adjustment_interval: '10s' } }],
    });
    const rnd = seeded(42);
    let n = 0;
    const sent = { cart: 0, checkout: 0 };
    for (let interval = 0; interval < 8; interval++) {
      // per 10 s interval: 1000 traces of /cart, 10 of /checkout
      for (let i = 0; i < 1010; i++) {
        const route = i % 101 === 100 ? '/checkout' : '/cart';
        sent[route === '/cart' ? 'cart' : 'checkout']++;
        await p.consume(batch([tspan(++n, { r: rnd(), attrs: { 'http.route': route } })]));
      }
      await settings.clock.advance(10_000);
    }
    await p.shutdown();
    const all = spans();
    const route = (s: (typeof all)[number]) => attr(s, 'http.route');
    // after the first interval (rate 1 for unseen keys) only the last 6 intervals are compared
    const late = all.filter((s) => traceNo(s) > 2 * 1010);
    const cart = late.filter((s) => route(s) === '/cart');
    const checkout = late.filter((s) => route(s) === '/checkout');
    expect(checkout).toHaveLength(60);                         // the rare key is kept whole
    expect(Math.abs(cart.length / 6 - 91) / 91).toBeLessThan(0.1); // ≈ 91 per interval (rate ≈ 11)
    const total = late.length / 6;
    expect(Math.abs(1010 / total - 10)).toBeLessThan(1);       // overall ≈ 1 in 10
    const adjusted = late.reduce((a, s) => a + (attr(s, 'outrider.sampling.adjusted_count') as number), 0);
    expect(Math.abs(adjusted - 6 * 1010) / (6 * 1010)).toBeLessThan(0.05);
    expect(checkout.every((s) => attr(s, 'outrider.sampling.adjusted_count') === 1)).toBe(true);
  });
});

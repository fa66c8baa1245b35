// The compact buffer of tail_sampling: buffered spans are held encoded, not as the caller's objects.
import { describe, expect, it } from 'vitest';
import { attr, batch, sampler, traceNo, tspan } from './test-kit.js';

describe('tail_sampling compact buffer', () => {
  it('holds buffered spans as a copy: changes to the consumed objects after consume do not reach the kept spans', async () => {
    const { p, settings, spans } = await sampler({ decision_wait_after_root: '0s' });
    const s = tspan(1, { name: 'checkout', attrs: { 'http.route': '/cart' } });
    const c = tspan(1, { child: true, name: 'db' });
    await p.consume(batch([s, c]));
    s.name = 'changed';
    s.attributes.length = 0;
    c.traceState = 'ot=th:f';
    await settings.clock.advance(10_000);
    const out = spans();
    expect(out.map((x) => x.name)).toEqual(['checkout', 'db']);
    expect(attr(out[0]!, 'http.route')).toBe('/cart');
    expect(out[1]!.traceState).not.toContain('th:f');
    expect(out[0]).not.toBe(s);
    await p.shutdown();
  });

  it('keeps spans of one trace from two requests and two resources whole, each under its own resource', async () => {
    const { p, settings, got } = await sampler({ decision_wait_after_root: '0s' });
    await p.consume(batch([tspan(1)], { 'service.name': 'a' }));
    await p.consume(batch([tspan(1, { child: true })], { 'service.name': 'b' }));
    await settings.clock.advance(10_000);
    const byService = got.flatMap((td) => td.resourceSpans.map((rs) => [rs.resource?.attributes[0]?.value, rs.scopeSpans[0]!.spans.length]));
    expect(byService).toEqual([['a', 1], ['b', 1]]);
    await p.shutdown();
  });

  it('kept traces decided together are decoded in chunks (over 1 MiB here), each span whole and under its own resource', async () => {
    const { p, settings, got } = await sampler({ decision_wait_after_root: '0s' });
    const big = (n: number) => `${n}:`.padEnd(5000, 'x');
    for (let n = 1; n <= 300; n++) await p.consume(batch([tspan(n, { attrs: { 'app.payload': big(n) } })], { 'service.name': n % 2 ? 'odd' : 'even' }));
    await settings.clock.advance(10_000);
    const seen = got.flatMap((td) => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => [traceNo(s), rs.resource?.attributes[0]?.value, attr(s, 'app.payload')]))));
    expect(seen).toHaveLength(300);
    for (const [n, service, payload] of seen) {
      expect(service).toBe((n as number) % 2 ? 'odd' : 'even');
      expect(payload).toBe(big(n as number));
    }
    await p.shutdown();
  });
});

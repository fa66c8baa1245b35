// Flood: distinct traces arriving much faster than decision_wait, with num_traces 20000. The
// buffer stays at num_traces, evictions are counted, memory stops growing, and it keeps deciding.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Span } from '../../agent/pdata/model.js';
import { batch, sampler, traceId, tspan } from './test-kit.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** A server span of its own trace, with the attributes an HTTP span has; randomness spread evenly. */
function floodSpan(n: number): Span {
  const start = 1_700_000_000_000_000_000n + BigInt(n) * 1000n;
  return {
    traceId: traceId(n, (BigInt(n) * 0x9e3779b97f4a7dn) & 0xffffffffffffffn), spanId: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), traceState: '',
    parentSpanId: new Uint8Array(0), flags: 1, name: `GET /cart/${n % 20}`, kind: 2, startTimeUnixNano: start, endTimeUnixNano: start + 1_500_000n,
    attributes: [
      { key: 'http.request.method', value: 'GET' }, { key: 'http.route', value: `/cart/${n % 20}` }, { key: 'url.path', value: `/cart/${n}` },
      { key: 'http.response.status_code', value: 200n }, { key: 'server.address', value: 'checkout' }, { key: 'server.port', value: 8080n },
    ],
    droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: n % 100 === 0 ? 2 : 0, message: '' },
  };
}

const mib = (b: number) => (b / 1048576).toFixed(1);

describe('tail_sampling under a flood of distinct traces', () => {
  it('200,000 traces in well under decision_wait with num_traces 20000: bounded buffer and memory, evictions counted, still deciding', async () => {
    const { p, settings, got } = await sampler({
      decision_wait: '10s', num_traces: 20_000,
      policies: [
        { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
        { name: 'rest', type: 'probabilistic', probabilistic: { sampling_percentage: 10 } },
      ],
    });
    let sent = 0;
    let maxInMemory = 0;
    const flood = async (n: number) => {
      for (let i = 0; i < n; i += 500) {
        const spansIn: Span[] = [];
        for (let j = 0; j < 500; j++) spansIn.push(floodSpan(sent + j));
        await p.consume(batch(spansIn));
        sent += 500;
        maxInMemory = Math.max(maxInMemory, p.tracesInMemory);
        await settings.clock.advance(1); // 1 ms of clock per batch: 200,000 traces in 0.4 s of a 10 s wait
        got.length = 0; // the kept spans went to the sink; let go of them like an exporter would
      }
    };
    const heap = () => { gc(); return process.memoryUsage(); };
    const t0 = performance.now();
    const before = heap();
    await flood(200_000);
    const after1 = heap();
    await flood(200_000);
    const after2 = heap();

    expect(maxInMemory).toBe(20_000);
    expect(p.stats.evictions).toBe(sent - 20_000);
    expect(await settings.render()).toMatch(new RegExp(`outrider_sampling_evictions_total\\{[^}]*\\} ${sent - 20_000}`));
    // memory: the second 200,000 traces add (almost) nothing — the buffer and the decision caches are full and bounded
    const growth = after2.heapUsed - after1.heapUsed;
    process.stdout.write(`flood: ${sent} traces, ${p.stats.evictions} evictions; heap ${mib(before.heapUsed)} → ${mib(after1.heapUsed)} → ${mib(after2.heapUsed)} MiB; RSS ${mib(before.rss)} → ${mib(after1.rss)} → ${mib(after2.rss)} MiB; ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    expect(growth).toBeLessThan(16 * 1048576);
    // still answering: an error trace sent now is kept at its decision time
    const kept = p.stats.kept;
    await p.consume(batch([tspan(1, { status: { code: 2, message: '' } })]));
    await settings.clock.advance(10_000);
    expect(p.stats.kept).toBeGreaterThan(kept);
    expect(p.tracesInMemory).toBe(0);
    await p.shutdown();
  });
});

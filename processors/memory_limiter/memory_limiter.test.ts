import { describe, expect, it } from 'vitest';
import { makeTraces } from '../../test/kit/gen.js';
import { testHost, testSettings } from '../../test/kit/settings.js';
import { memoryLimiterConfigSchema } from './config.js';
import { ADMISSION, Admission } from '../../agent/admission.js';
import { limitsOf, MemoryLimiter, REQUEST_EXPANSION, RSS_MAX_AGE_MS } from './memory_limiter.js';

const MIB = 1024 * 1024;

describe('memory_limiter', () => {
  it('computes soft and hard limits like the Collector', () => {
    expect(limitsOf(memoryLimiterConfigSchema.parse({ limit_mib: 400, spike_limit_mib: 80 }))).toEqual({ hard: 400 * MIB, soft: 320 * MIB });
    expect(limitsOf(memoryLimiterConfigSchema.parse({ limit_mib: 100 }))).toEqual({ hard: 100 * MIB, soft: 80 * MIB });
    expect(limitsOf(memoryLimiterConfigSchema.parse({}), 1000 * MIB)).toEqual({ hard: 800 * MIB, soft: 600 * MIB });
  });

  it('refuses with a retryable error above the soft limit and accepts again below it', async () => {
    let rss = 100 * MIB;
    let passed = 0;
    const settings = testSettings('memory_limiter', 'traces');
    const ml = new MemoryLimiter(settings, memoryLimiterConfigSchema.parse({ limit_mib: 400, spike_limit_mib: 80 }), 'traces',
      { consume: async () => { passed++; } }, () => rss);
    await ml.start(settings.host);
    await ml.consume(makeTraces(2));
    rss = 350 * MIB;
    ml.check();
    await expect(ml.consume(makeTraces(4))).rejects.toMatchObject({ code: 'DATA_REFUSED', retryable: true, message: 'data refused due to high memory usage' });
    rss = 200 * MIB;
    ml.check();
    await ml.consume(makeTraces(1));
    expect(passed).toBe(2);
    expect(await settings.render()).toMatch(/outrider_processor_refused_spans_total\{[^}]*processor="memory_limiter"[^}]*\} 4/);
    await ml.shutdown();
    await ml.shutdown();
  });

  describe('admission before decoding', () => {
    /** A limiter (limit 160 MiB, spike 32: soft 128) over a fake RSS, published on an Admission as the agent wires it. */
    async function limiter(rssMib: number) {
      const mem = { rss: rssMib * MIB, gcs: 0, reads: 0 };
      const admission = new Admission();
      const settings = testSettings('memory_limiter', 'traces');
      const ml = new MemoryLimiter(settings, memoryLimiterConfigSchema.parse({ limit_mib: 160, spike_limit_mib: 32 }), 'traces',
        { consume: async () => {} }, () => { mem.reads++; return mem.rss; }, () => { mem.gcs++; });
      await ml.start(testHost([[ADMISSION, admission]]));
      return { mem, admission, ml, settings };
    }
    const request = (mib: number) => Math.floor((mib * MIB) / REQUEST_EXPANSION);

    it('refuses a request whose decoded size would cross limit_mib, counting requests in flight, and admits it once they are answered', async () => {
      const { admission, ml } = await limiter(100);
      expect(admission.admit(request(40))).toBe(true);    // 100 + 40 ≤ 160
      expect(admission.admit(request(40))).toBe(false);   // 100 + 40 + 40 > 160, although RSS has not moved yet
      expect(admission.admit(request(10))).toBe(true);    // 150 ≤ 160
      admission.release(request(40));
      admission.release(request(10));
      expect(admission.admit(request(40))).toBe(true);
      await ml.shutdown();
      expect(admission.admit(request(1000))).toBe(true); // withdrawn at shutdown
    });

    it('above the soft limit refuses everything and hints a GC; admits again as soon as memory is back under it, without waiting for a tick', async () => {
      const { mem, admission, ml } = await limiter(100);
      mem.rss = 180 * MIB;
      ml.check();                                         // a check_interval tick
      expect(mem.gcs).toBe(1);                            // above the soft limit: a GC is asked for at once
      expect(admission.admit(1)).toBe(false);
      mem.rss = 120 * MIB;                                // memory freed, under the soft limit (128), no tick since
      expect(admission.admit(1)).toBe(true);
      await expect(ml.consume({ resourceSpans: [] })).resolves.toBeUndefined();
      await ml.shutdown();
    });

    it('reads RSS for an admission only when the last reading may be wrong about the soft limit: 50 ms old, at or above it, or outgrown by the requests admitted since', async () => {
      const { mem, admission, ml, settings } = await limiter(100); // soft limit 128 MiB
      const atStart = mem.reads;
      for (let i = 0; i < 10; i++) {
        expect(admission.admit(request(1))).toBe(true);
        admission.release(request(1));
      }
      expect(mem.reads).toBe(atStart);                    // 100 + 10 × 1 MiB admitted < 128: the reading at start serves
      await settings.clock.advance(RSS_MAX_AGE_MS);
      expect(admission.admit(request(1))).toBe(true);
      expect(mem.reads).toBe(atStart + 1);                // the reading was 50 ms old
      mem.rss = 150 * MIB;                                // grows, but nothing admitted since could account for it ...
      expect(admission.admit(request(20))).toBe(true);    // ... 100 + 1 + 20 < 128: the reading serves (for up to 50 ms)
      expect(mem.reads).toBe(atStart + 1);
      expect(admission.admit(request(10))).toBe(false);   // 100 + 21 + 10 ≥ 128: read again, 150 is above the soft limit
      expect(mem.reads).toBe(atStart + 2);
      mem.rss = 100 * MIB;
      expect(admission.admit(request(1))).toBe(true);     // above the soft limit at the last reading: read at once, intake reopens
      expect(mem.reads).toBe(atStart + 3);
      await ml.shutdown();
    });

    it('while a component sheds memory (tail_sampling), reports pressure above the soft limit and admits up to the hard limit; refuses from it on', async () => {
      const { mem, admission, ml } = await limiter(100);
      const withdraw = admission.shedding();
      expect(admission.pressure()).toBe(false);
      mem.rss = 140 * MIB;                                // above the soft limit (128), below the hard (160)
      ml.check();
      expect(admission.pressure()).toBe(true);
      expect(mem.gcs).toBe(1);                            // a GC is still asked for
      expect(admission.admit(request(5))).toBe(true);
      admission.release(request(5));
      await expect(ml.consume({ resourceSpans: [] })).resolves.toBeUndefined();
      mem.rss = 165 * MIB;                                // above the hard limit
      ml.check();
      expect(admission.admit(1)).toBe(false);
      await expect(ml.consume({ resourceSpans: [] })).rejects.toMatchObject({ code: 'DATA_REFUSED' });
      mem.rss = 140 * MIB;
      withdraw();                                         // nobody sheds any more: the soft limit refuses again
      expect(admission.admit(1)).toBe(false);
      mem.rss = 100 * MIB;
      expect(admission.admit(1)).toBe(true);
      expect(admission.pressure()).toBe(false);
      await ml.shutdown();
    });
  });
});

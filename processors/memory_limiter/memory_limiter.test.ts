import { describe, expect, it } from 'vitest';
import { makeTraces } from '../../test/kit/gen.js';
import { testHost, testSettings } from '../../test/kit/settings.js';
import { memoryLimiterConfigSchema } from './config.js';
import { ADMISSION, Admission } from '../../agent/admission.js';
import { limitsOf, MemoryLimiter, REOPEN_BELOW, REQUEST_EXPANSION, RSS_MAX_AGE_MS } from './memory_limiter.js';
import type { HeapReading } from './memory-in-use.js';

const MIB = 1024 * 1024;
/**
 * A fake process: RSS, and how much of it is held but not used — heap pages V8 keeps free
 * (`v8Free`) and blocks the C allocator keeps after they were freed (`mallocFree`); `native` is the
 * native memory in use outside V8's heap and external memory (20 MiB unless set).
 */
interface FakeMemory {
  rss: number; v8Free: number; mallocFree: number; external: number; native: number; gcs: number; reads: number;
  /** What a full collection does to the fake process. */
  collect?: () => void;
}
function fakeMemory(rssMib: number): FakeMemory {
  return { rss: rssMib * MIB, v8Free: 0, mallocFree: 0, external: 0, native: 20 * MIB, gcs: 0, reads: 0 };
}
/** V8's heap statistics of the fake process: RSS = V8's resident heap + external + native + mallocFree. */
function heapOf(mem: FakeMemory): HeapReading {
  return { resident: mem.rss - mem.native - mem.mallocFree - mem.external, free: mem.v8Free, external: mem.external };
}

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
      { consume: async () => { passed++; } }, () => rss, () => {}, () => ({ resident: rss, free: 0, external: 0 }));
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
      const mem = fakeMemory(rssMib);
      const admission = new Admission();
      const settings = testSettings('memory_limiter', 'traces');
      const ml = new MemoryLimiter(settings, memoryLimiterConfigSchema.parse({ limit_mib: 160, spike_limit_mib: 32 }), 'traces',
        { consume: async () => {} }, () => { mem.reads++; return mem.rss; }, () => { mem.gcs++; mem.collect?.(); }, () => heapOf(mem));
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
      expect(admission.admit(request(10))).toBe(false);   // 100 + 21 + 10 ≥ 128: read again, 150 is above the soft limit ...
      expect(mem.reads).toBe(atStart + 3);                // ... and in use: a GC is asked for, and memory read once more after it
      mem.rss = 100 * MIB;
      expect(admission.admit(request(1))).toBe(true);     // above the soft limit at the last reading: read at once, intake reopens
      expect(mem.reads).toBe(atStart + 4);
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

    describe('from the soft limit on, judges the memory in use rather than RSS', () => {
      const spans = () => ({ resourceSpans: [] });

      it('reopens admissions and pipeline intake once the memory in use falls, although RSS stays above the soft limit', async () => {
        const { mem, admission, ml, settings } = await limiter(100); // soft limit 128 MiB; native memory 20 MiB
        mem.rss = 150 * MIB;                                // a backlog: 30 MiB of buffers, 100 MiB of V8 heap in use
        mem.external = 30 * MIB;
        await settings.clock.advance(1000);                 // a tick
        expect(mem.gcs).toBe(1);
        expect(admission.admit(1)).toBe(false);
        await expect(ml.consume(spans())).rejects.toMatchObject({ code: 'DATA_REFUSED' });
        // The backlog drains and the process keeps what it freed: RSS does not move. V8 keeps 25 MiB
        // of free pages, the C allocator 28 MiB of freed buffers: 97 MiB in use.
        mem.external = 2 * MIB;
        mem.mallocFree = 28 * MIB;
        mem.v8Free = 25 * MIB;
        expect(admission.admit(request(1))).toBe(true);
        admission.release(request(1));
        await expect(ml.consume(spans())).resolves.toBeUndefined();
        expect(admission.pressure()).toBe(false);
        expect(await settings.render()).toMatch(new RegExp(`outrider_memory_limiter_memory_in_use_bytes\\{[^}]*processor="memory_limiter"[^}]*\\} ${97 * MIB}\n`));
        const gcs = mem.gcs;
        for (let i = 0; i < 5; i++) {                       // later ticks and admissions, RSS still at 150 MiB
          await settings.clock.advance(1000);
          expect(admission.admit(request(1))).toBe(true);
          admission.release(request(1));
          await expect(ml.consume(spans())).resolves.toBeUndefined();
        }
        expect(mem.gcs).toBe(gcs);                          // memory in use is under the limit: no collection asked for
        await ml.shutdown();
      });

      it('refuses while the memory in use stays high, collecting at most every 100 ms; judges the hard limit on the memory in use', async () => {
        const { mem, admission, ml, settings } = await limiter(100);
        mem.rss = 150 * MIB;
        mem.v8Free = 2 * MIB;
        mem.collect = () => { mem.v8Free = 5 * MIB; };      // a collection frees little: 145 MiB in use
        ml.check();
        expect(mem.gcs).toBe(1);
        for (let i = 0; i < 10; i++) {
          await settings.clock.advance(50);
          expect(admission.admit(1)).toBe(false);
          await expect(ml.consume(spans())).rejects.toMatchObject({ code: 'DATA_REFUSED' });
        }
        expect(mem.gcs).toBe(6);                             // 500 ms: one at the tick, then one every 100 ms
        mem.collect = () => { mem.v8Free = 53 * MIB; };     // now the load has stopped: 97 MiB in use after a collection
        await settings.clock.advance(100);
        expect(admission.admit(request(60))).toBe(true);    // 97 + 60 ≤ 160, although RSS (150) + 60 is not
        expect(admission.admit(request(5))).toBe(false);    // 97 + 60 + 5 > 160
        await ml.shutdown();
      });

      it('does not flap at the boundary: once refusing, reopens only under 95 % of the soft limit', async () => {
        const { mem, admission, ml, settings } = await limiter(100); // soft 128, reopens under 121.6 MiB
        expect(REOPEN_BELOW).toBe(0.95);
        mem.rss = 150 * MIB;                                // RSS stays above the soft limit throughout
        const inUse = async (mib: number) => { mem.v8Free = mem.rss - mib * MIB; await settings.clock.advance(RSS_MAX_AGE_MS); };
        const steps: Array<[number, boolean]> = [[130, false], [125, false], [122, false], [121, true], [125, true], [127, true], [128, false], [124, false], [120, true]];
        const seen: Array<[number, boolean]> = [];
        for (const [mib] of steps) {
          await inUse(mib);
          const admitted = admission.admit(1);
          if (admitted) admission.release(1);
          seen.push([mib, admitted]);
          expect(admission.pressure()).toBe(!admitted);
        }
        expect(seen).toEqual(steps);
        await ml.shutdown();
      });

      it('takes the native baseline only while RSS is under the soft limit: native memory in use counts, freed blocks kept above the limit do not', async () => {
        const { mem, admission, ml, settings } = await limiter(100);
        mem.external = 10 * MIB;                            // under the soft limit, native memory grows by 15 MiB (in use)
        mem.native = 35 * MIB;
        mem.rss = 115 * MIB;
        await settings.clock.advance(1000);                 // a tick takes it as the baseline (35 MiB)
        mem.rss = 140 * MIB;                                // above the soft limit: V8's heap in use grows by 25 MiB ...
        await settings.clock.advance(1000);
        expect(admission.admit(1)).toBe(false);             // ... 140 MiB in use
        mem.external = 0;                                   // the buffers are freed, and kept by the allocator
        mem.mallocFree = 10 * MIB;
        await settings.clock.advance(1000);
        expect(admission.admit(1)).toBe(false);             // 130 MiB in use: the native memory taken under the limit counts
        mem.v8Free = 10 * MIB;
        expect(admission.admit(1)).toBe(true);              // 120 MiB in use: the 10 MiB kept by the allocator above the limit do not
        await ml.shutdown();
      });
    });
  });
});

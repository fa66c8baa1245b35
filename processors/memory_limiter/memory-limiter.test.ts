import { describe, expect, it } from 'vitest';
import { makeTraces } from '../../test/kit/gen.js';
import { testSettings } from '../../test/kit/settings.js';
import { memoryLimiterConfigSchema } from './config.js';
import { limitsOf, MemoryLimiter } from './memory-limiter.js';

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
});

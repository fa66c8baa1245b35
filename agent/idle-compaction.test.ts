// The one heap compaction after start-up: only when the process stayed idle, never under load.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/kit/fake-clock.js';
import { FAVOUR_MEMORY_MS, IDLE_COMPACTION_DELAY_MS, IDLE_CPU_US, scheduleIdleCompaction } from './idle-compaction.js';

describe('idle compaction after start-up', () => {
  it('runs one full collection when the process used little CPU since start-up', async () => {
    const clock = new FakeClock();
    let cpu = 1_000_000;
    let collections = 0;
    const outcomes: boolean[] = [];
    const favour: boolean[] = [];
    scheduleIdleCompaction(clock, () => cpu, () => { collections++; }, (ran) => outcomes.push(ran), (on) => favour.push(on));
    cpu += IDLE_CPU_US / 2;
    await clock.advance(IDLE_COMPACTION_DELAY_MS - 1);
    expect(collections).toBe(0);
    expect(favour).toEqual([]);
    await clock.advance(1);
    expect(collections).toBe(1);
    expect(favour).toEqual([true]); // V8 favours memory from the compaction on, so its reducer gives pages back
    await clock.advance(FAVOUR_MEMORY_MS - 1);
    expect(favour).toEqual([true]);
    await clock.advance(1);
    expect(favour).toEqual([true, false]); // and no longer: load that comes later gets the normal heap sizing
    await clock.advance(60_000);
    expect(collections).toBe(1);
    expect(favour).toEqual([true, false]);
    expect(outcomes).toEqual([true]);
  });

  it('leaves a busy agent alone (data arriving right after start)', async () => {
    const clock = new FakeClock();
    let cpu = 0;
    let collections = 0;
    const outcomes: boolean[] = [];
    const favour: boolean[] = [];
    scheduleIdleCompaction(clock, () => cpu, () => { collections++; }, (ran) => outcomes.push(ran), (on) => favour.push(on));
    cpu += IDLE_CPU_US;
    await clock.advance(IDLE_COMPACTION_DELAY_MS + FAVOUR_MEMORY_MS);
    expect(collections).toBe(0);
    expect(favour).toEqual([]);
    expect(outcomes).toEqual([false]);
  });

  it('the collection it runs is V8\'s own, obtained without --expose-gc', async () => {
    const clock = new FakeClock();
    const outcomes: boolean[] = [];
    scheduleIdleCompaction(clock, () => 0, undefined, (ran) => outcomes.push(ran));
    await clock.advance(IDLE_COMPACTION_DELAY_MS);
    expect(outcomes).toEqual([true]);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    await clock.advance(FAVOUR_MEMORY_MS); // V8's own setting withdrawn again (it is process-wide)
  });
});

// The one heap compaction after start-up: only when the process stayed idle, never under load.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/kit/fake-clock.js';
import { IDLE_COMPACTION_DELAY_MS, IDLE_CPU_US, scheduleIdleCompaction, type Gc } from './idle-compaction.js';

/** A stand-in for V8's collection that records each call: 'minor' or 'full'. */
function recordingGc(calls: string[]): Gc {
  return (options) => { calls.push(options?.type === 'minor' ? 'minor' : 'full'); };
}

/** A fake clock, a CPU reading starting at `cpu`, and the collections and outcomes recorded. */
function setup(cpu: number) {
  const clock = new FakeClock();
  const state = { cpu, calls: [] as string[], outcomes: [] as boolean[] };
  scheduleIdleCompaction(clock, () => state.cpu, recordingGc(state.calls), (ran) => state.outcomes.push(ran));
  return { clock, state };
}

describe('idle compaction after start-up', () => {
  it('scavenges at once, then runs one full collection when the process used little CPU since start-up', async () => {
    const { clock, state } = setup(1_000_000);
    const { calls, outcomes } = state;
    expect(calls).toEqual(['minor']);
    state.cpu += IDLE_CPU_US / 2;
    await clock.advance(IDLE_COMPACTION_DELAY_MS - 1);
    expect(calls).toEqual(['minor']);
    await clock.advance(1);
    expect(calls).toEqual(['minor', 'full']);
    await clock.advance(60_000);
    expect(calls).toEqual(['minor', 'full']);
    expect(outcomes).toEqual([true]);
  });

  it('leaves a busy agent alone (data arriving right after start)', async () => {
    const { clock, state } = setup(0);
    const { calls, outcomes } = state;
    state.cpu += IDLE_CPU_US;
    await clock.advance(IDLE_COMPACTION_DELAY_MS);
    expect(calls).toEqual(['minor']);
    expect(outcomes).toEqual([false]);
  });

  it('the collection it runs is V8\'s own, obtained without --expose-gc', async () => {
    const clock = new FakeClock();
    const outcomes: boolean[] = [];
    scheduleIdleCompaction(clock, () => 0, undefined, (ran) => outcomes.push(ran));
    await clock.advance(IDLE_COMPACTION_DELAY_MS);
    expect(outcomes).toEqual([true]);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});

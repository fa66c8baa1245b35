// Budget history from the SLO minute buckets: occurrences and timeslices counted as the slo
// processor counts them, the rolling window respected.
import { describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { SloStore } from '../../processors/slo/slo-store.js';
import { SloHistory, type HistoryDef } from './slo-history.js';

const MIN = 60_000;
const NOW = 1_000_000 * MIN;

function withRows(rows: Array<[number, number, number]>): { history: SloHistory; store: Store } {
  const store = new Store(':memory:');
  new SloStore(store).flush(new Map([['s', new Map(rows.map(([m, g, t]) => [m, [g, t] as [number, number]]))]]), new Map(), NOW);
  return { history: new SloHistory(store), store };
}

const def = (over: Partial<HistoryDef> = {}): HistoryDef => ({ objective: 0.9, window: 10 * MIN, calendar: false, budgeting: 'occurrences', time_slice_target: 0.9, ...over });

describe('SLO budget history', () => {
  it('is 1 everywhere without stored minutes (no table yet, or no rows)', () => {
    const store = new Store(':memory:');
    expect(new SloHistory(store).budget('s', def(), NOW, 60 * MIN, 3).map((p) => p.errorBudgetRemaining)).toEqual([1, 1, 1]);
    store.close();
  });

  it('occurrences: each point burns over the window ending at it, and recovers when bad minutes leave the window', () => {
    // minute NOW/MIN − 20: 100 events, 5 bad (half the 10 % budget); nothing else
    const { history, store } = withRows([[NOW / MIN - 20, 95, 100]]);
    const pts = history.budget('s', def(), NOW, 30 * MIN, 30);
    const at = (m: number) => pts.find((p) => p.at === (NOW / MIN - m) * MIN)!.errorBudgetRemaining;
    expect(at(25)).toBe(1);
    expect(at(20)).toBeCloseTo(0.5, 9);
    expect(at(11)).toBeCloseTo(0.5, 9);
    expect(at(10)).toBe(1); // the bad minute left the 10-minute window
    store.close();
  });

  it('timeslices: a minute is good when its ratio meets the target; the budget counts minutes', () => {
    const m = NOW / MIN;
    const { history, store } = withRows([[m - 3, 80, 100], [m - 2, 100, 100], [m - 1, 100, 100], [m, 100, 100]]);
    const last = history.budget('s', def({ budgeting: 'timeslices', objective: 0.5, time_slice_target: 0.9 }), NOW, 5 * MIN, 5).at(-1)!;
    // 1 bad minute of 4 with events: SLI 0.75, burn 0.25/0.5 = 0.5
    expect(last.errorBudgetRemaining).toBeCloseTo(0.5, 9);
    store.close();
  });
});

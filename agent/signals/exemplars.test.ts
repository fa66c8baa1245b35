// Example trace ids: bounded, newest first, distinct, filtered by labels and age.
import { describe, expect, test } from 'vitest';
import { ExemplarStore } from './exemplars.js';

describe('exemplar store', () => {
  test('keeps the newest `size` per name; reads match labels (regex anchored) and window, newest first, distinct', () => {
    const x = new ExemplarStore(3);
    x.record('e', { service_name: 'a' }, 't1', 1000);
    x.record('e', { service_name: 'b' }, 't2', 2000);
    x.record('e', { service_name: 'a' }, 't3', 3000);
    x.record('e', { service_name: 'a' }, 't3', 3500);
    expect(x.recent('e', { service_name: 'a' }, 0, 10)).toEqual(['t3']); // t1 overwritten; t3 once
    x.record('e', { service_name: 'ab' }, 't4', 4000);
    expect(x.recent('e', { service_name: /a.*/ }, 0, 10)).toEqual(['t4', 't3']);
    expect(x.recent('e', { service_name: /a/ }, 0, 10)).toEqual(['t3']);
    expect(x.recent('e', {}, 3600, 10)).toEqual(['t4']);
    expect(x.recent('e', {}, 0, 1)).toEqual(['t4']);
    expect(x.recent('other', {}, 0, 5)).toEqual([]);
  });
});

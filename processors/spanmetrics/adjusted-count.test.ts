// OTEP 235 thresholds from tracestate and their adjusted counts.
import { describe, expect, test } from 'vitest';
import { AdjustedCountCache, adjustedCount, threshold } from './adjusted-count.js';

describe('adjustedCount', () => {
  test.each([
    ['', 1], ['ot=th:0', 1], ['ot=th:8', 2], ['ot=th:c', 4], ['ot=th:e', 8], ['ot=th:f', 16], ['ot=th:ff', 256],
    ['vendor=x,ot=th:c', 4], ['ot=rv:0123456789abcd;th:c', 4], ['a=b , ot=th:c;x:y, c=d', 4],
  ])('%s → %d', (ts, w) => {
    expect(adjustedCount(ts)).toBe(w);
  });
  test('non power-of-two thresholds give the float 1/p', () => {
    expect(adjustedCount('ot=th:fd70a4')).toBeCloseTo(100, 3); // 1 %
    expect(adjustedCount('ot=th:e666')).toBeCloseTo(10, 2); // ~10 %
  });
  test('invalid or absent th counts 1', () => {
    for (const ts of ['ot=th:', 'ot=th:G', 'ot=th:123456789abcdef', 'other=th:c', 'ot=rv:00', 'xot=th:c']) expect(adjustedCount(ts)).toBe(1);
  });
  test('threshold pads to 14 hex digits', () => {
    expect(threshold('ot=th:c')).toBe(0xc0000000000000n);
  });
  test('cache returns the same weights', () => {
    const c = new AdjustedCountCache();
    expect(c.get('ot=th:c')).toBe(4);
    expect(c.get('ot=th:c')).toBe(4);
    expect(c.get('')).toBe(1);
  });
});

// OTEP 235 thresholds from tracestate and their adjusted counts.
import { describe, expect, test } from 'vitest';
import { AdjustedCountCache, adjustedCount, adjustedCountOf, decodeThreshold, encodeThreshold, keeps, randomnessOf, thresholdForProbability, thresholdOf as threshold, withThreshold } from './otep235.js';

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

describe('thresholds in tracestate', () => {
  test('encode and decode round-trip, shortest form', () => {
    for (const hex of ['0', '8', 'c', 'e666', 'fd70a4', '0000000000001', 'ffffffffffffff']) {
      const t = decodeThreshold(hex)!;
      expect(decodeThreshold(encodeThreshold(t))).toBe(t);
    }
    expect(encodeThreshold(0xc0000000000000n)).toBe('c');
    expect(encodeThreshold(0n)).toBe('0');
  });

  test('probabilities map to thresholds and back to adjusted counts', () => {
    expect(encodeThreshold(thresholdForProbability(0.25))).toBe('c');
    expect(adjustedCountOf(thresholdForProbability(0.25))).toBe(4);
    expect(adjustedCountOf(thresholdForProbability(0.1))).toBeCloseTo(10, 9);
    expect(thresholdForProbability(1)).toBe(0n);
  });

  test('writing th keeps other ot sub-keys and other vendors, ot first', () => {
    expect(withThreshold('', 0xc0000000000000n)).toBe('ot=th:c');
    expect(withThreshold('vendor=x,ot=rv:0123456789abcd;th:8', 0xc0000000000000n)).toBe('ot=th:c;rv:0123456789abcd,vendor=x');
    expect(threshold(withThreshold('a=b', thresholdForProbability(0.1)))).toBe(thresholdForProbability(0.1));
  });

  test('randomness from rv, else the trace id low 56 bits; kept when R ≥ T', () => {
    const id = new Uint8Array(16); id[9] = 0xff; id[15] = 0x01;
    expect(randomnessOf('', id)).toBe(0xff000000000001n);
    expect(randomnessOf('ot=rv:00000000000002', id)).toBe(2n);
    expect(keeps(0xc0000000000000n, 0xc0000000000000n)).toBe(true);
    expect(keeps(0xbfffffffffffffn, 0xc0000000000000n)).toBe(false);
  });
});

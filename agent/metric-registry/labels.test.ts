// The shared label-name sanitizer, attribute value text and the warning rate limiter.
import { describe, expect, test } from 'vitest';
import { labelName, valueText } from './labels.js';
import { WarnLimiter } from './warn-limit.js';

describe('labelName', () => {
  test.each([
    ['http.route', 'http_route'], ['a-b', 'a_b'], ['a..b', 'a__b'], ['2xx', 'key_2xx'], ['_hidden', 'key_hidden'],
    ['__name__', 'key__name__'], ['请求', 'key__'], ['', 'key_'], ['ok_1', 'ok_1'],
  ])('%s → %s', (key, want) => { expect(labelName(key)).toBe(want); });
});

describe('valueText', () => {
  test('strings, numbers, int64, booleans, empty, bytes, arrays and maps', () => {
    expect(valueText('x')).toBe('x');
    expect(valueText(1.5)).toBe('1.5');
    expect(valueText(42n)).toBe('42');
    expect(valueText(true)).toBe('true');
    expect(valueText(null)).toBe('');
    expect(valueText(new Uint8Array([1, 2]))).toBe('AQI=');
    expect(valueText(['a', 1n, new Uint8Array([255])])).toBe('["a",1,"/w=="]');
    expect(valueText({ kvlistValue: [{ key: 'k', value: 2n }] })).toBe('{"k":2}');
  });
});

describe('WarnLimiter', () => {
  test('first per key per interval, then the count suppressed meanwhile', () => {
    let now = 0;
    const w = new WarnLimiter(1000, () => now);
    expect(w.take('a')).toBe(0);
    expect(w.take('a')).toBeUndefined();
    expect(w.take('b')).toBe(0);
    expect(w.take('a')).toBeUndefined();
    now = 1000;
    expect(w.take('a')).toBe(2);
    expect(w.take('b')).toBe(0);
  });
  test('remembers at most maxKeys keys', () => {
    let now = 0;
    const w = new WarnLimiter(1000, () => now, 2);
    w.take('a');
    w.take('b');
    now = 1;
    expect(w.take('c')).toBe(0); // full of fresh keys: forgets them
    expect(w.take('a')).toBe(0);
  });
});

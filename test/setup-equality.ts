// Test equality sees a LazySpan (a span held encoded, whose fields are accessors) as the span it
// decodes to, so tests compare the spans a component hands on whatever form they travel in.
import type { Tester } from '@vitest/expect';
import { expect } from 'vitest';
import { LazySpan } from '../agent/pdata/lazy-span.js';

const lazySpans: Tester = function (a, b, testers) {
  if (!(a instanceof LazySpan) && !(b instanceof LazySpan)) return undefined;
  const plain = (x: unknown) => (x instanceof LazySpan ? { ...LazySpan.load(x) } : x);
  return this.equals(plain(a), plain(b), testers);
};

expect.addEqualityTesters([lazySpans]);

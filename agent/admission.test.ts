import { describe, expect, it } from 'vitest';
import { Admission, type AdmissionGate } from './admission.js';

/** A gate admitting up to `capacity` bytes at once. */
function capped(capacity: number): AdmissionGate & { used: number } {
  const g = {
    used: 0,
    admit(bytes: number) { if (g.used + bytes > capacity) return false; g.used += bytes; return true; },
    release(bytes: number) { g.used = Math.max(0, g.used - bytes); },
  };
  return g;
}

describe('Admission', () => {
  it('admits everything without gates', () => {
    expect(new Admission().admit(1 << 30)).toBe(true);
  });

  it('admits only when every gate admits, and gives back what the others charged when one refuses', () => {
    const a = new Admission();
    const big = capped(100);
    const small = capped(10);
    a.publish(big);
    const withdraw = a.publish(small);
    expect(a.admit(8)).toBe(true);
    expect(a.admit(8)).toBe(false);
    expect([big.used, small.used]).toEqual([8, 8]);
    a.release(8);
    expect([big.used, small.used]).toEqual([0, 0]);
    withdraw();
    expect(a.admit(50)).toBe(true);
    expect(small.used).toBe(0);
  });
});

// The retry schedule: growth, cap, jitter bounds, max elapsed time, server delays.
import { describe, expect, it } from 'vitest';
import { ExponentialBackoff } from './backoff.js';

const cfg = { initial_interval: 5_000, max_interval: 30_000, max_elapsed_time: 300_000, multiplier: 1.5, randomization_factor: 0.5 };

describe('ExponentialBackoff', () => {
  it('grows by the multiplier up to max_interval (no jitter at random = 0.5)', () => {
    const b = new ExponentialBackoff(cfg, () => 0, () => 0.5);
    const waits = Array.from({ length: 8 }, () => b.next());
    expect(waits).toEqual([5_000, 7_500, 11_250, 16_875, 25_313, 30_000, 30_000, 30_000]);
  });

  it('draws each wait from interval × [1 − f, 1 + f]', () => {
    const lo = new ExponentialBackoff(cfg, () => 0, () => 0);
    const hi = new ExponentialBackoff(cfg, () => 0, () => 0.999999);
    expect(lo.next()).toBe(2_500);
    expect(hi.next()).toBe(7_500);
    expect(lo.next()).toBe(3_750);
  });

  it('stops once max_elapsed_time would be passed', () => {
    let now = 0;
    const b = new ExponentialBackoff({ ...cfg, max_elapsed_time: 20_000 }, () => now, () => 0.5);
    expect(b.next()).toBe(5_000);
    now = 5_000;
    expect(b.next()).toBe(7_500);
    now = 12_500;
    expect(b.next()).toBeUndefined(); // 12.5 s + 11.25 s > 20 s
  });

  it('never gives up with max_elapsed_time 0', () => {
    let now = 0;
    const b = new ExponentialBackoff({ ...cfg, max_elapsed_time: 0 }, () => now, () => 0.5);
    for (let i = 0; i < 100; i++) { now += 30_000; expect(b.next()).toBeGreaterThan(0); }
  });

  it('waits at least the server-requested delay', () => {
    const b = new ExponentialBackoff(cfg, () => 0, () => 0.5);
    expect(b.next(12_000)).toBe(12_000);
    expect(b.next(1_000)).toBe(7_500);
  });
});

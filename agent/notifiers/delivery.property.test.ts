// Invariants of delivery under any mix of answers and enqueue timing (fast-check, fake clock): each
// notification is delivered at most once and ends final; a group's rows go out in queue order; sends
// to a notifier keep its minimum interval and every Retry-After.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SendResult } from './api.js';
import { testSettings } from '../../test/kit/settings.js';
import { fakeNotifierControl, fakeNotifierFactory, notificationFor } from '../../test/kit/fake-notifier.js';
import { createNotifierServiceFactory, type NotifierHub } from './service.js';

const answer = fc.oneof(
  { weight: 4, arbitrary: fc.constant<SendResult>({ outcome: 'sent' }) },
  { weight: 3, arbitrary: fc.constant<SendResult>({ outcome: 'retry', detail: 'HTTP 503' }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 120 }).map<SendResult>((s) => ({ outcome: 'retry', detail: 'HTTP 429', retryAfterMs: s * 1000 })) },
  { weight: 1, arbitrary: fc.constant<SendResult>({ outcome: 'rejected', detail: 'HTTP 400' }) },
);
const op = fc.record({ group: fc.constantFrom('a', 'b', 'c'), action: fc.constantFrom('trigger' as const, 'resolve' as const), advanceMs: fc.integer({ min: 0, max: 20_000 }) });

describe('delivery invariants', () => {
  it('at most once, final, in group order, min interval and Retry-After kept', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.array(answer, { maxLength: 60 }), fc.double({ min: 0, max: 0.999, noNaN: true }), async (ops, answers, jitter) => {
      const settings = testSettings('notifiers');
      const control = fakeNotifierControl();
      control.answers.push(...answers);
      const factory = createNotifierServiceFactory([fakeNotifierFactory(control)], { random: () => jitter });
      const svc = factory.create(settings, factory.parse({ 'fake/a': { min_interval_ms: 1000, retry: { max_elapsed_time: '30m' } } }));
      await svc.start(settings.host);
      const hub = svc.api as NotifierHub;
      const order = new Map<string, number>();
      for (const [i, o] of ops.entries()) {
        order.set(hub.enqueue(notificationFor('fake/a', o.group, o.action)).id, i);
        await settings.clock.advance(o.advanceMs);
      }
      await settings.clock.advance(3 * 3_600_000);

      const outcomes = control.attempts.map((a, i) => ({ ...a, result: answers[i] ?? { outcome: 'sent' } as SendResult }));
      // every row is final, and the counts add up
      const stats = hub.stats()[0]!;
      expect(stats.pending).toBe(0);
      expect(stats.sent + stats.rejected + stats.dead).toBe(ops.length);
      // delivered at most once: no attempt after a row's accepted or refused attempt
      const done = new Set<string>();
      for (const o of outcomes) {
        expect(done.has(o.notification.id)).toBe(false);
        if (o.result.outcome !== 'retry') done.add(o.notification.id);
      }
      expect(outcomes.filter((o) => o.result.outcome === 'sent')).toHaveLength(stats.sent);
      // a group's rows are attempted in queue order
      for (const g of ['a', 'b', 'c']) {
        const seq = outcomes.filter((o) => o.notification.groupLabels.service_name === g).map((o) => order.get(o.notification.id)!);
        expect(seq).toEqual([...seq].sort((x, y) => x - y));
      }
      // min interval and Retry-After between consecutive sends
      for (let i = 1; i < outcomes.length; i++) {
        const prev = outcomes[i - 1]!;
        const gap = outcomes[i]!.at - prev.at;
        expect(gap).toBeGreaterThanOrEqual(1000);
        if (prev.result.outcome === 'retry' && prev.result.retryAfterMs) expect(gap).toBeGreaterThanOrEqual(prev.result.retryAfterMs);
      }
      await svc.shutdown();
    }), { numRuns: 60 });
  });
});

// Fan-out: one consumer that hands a batch to several, cloning it for those that mutate.
import type { Consumer } from './component.js';
import { cloneData } from './pdata/lazy-span.js';

/**
 * Each consumer gets the batch; consumers that declare `mutates` get their own copy (the last
 * such one may take the original when no other consumer reads it). All are awaited; the first
 * failure is rethrown after every consumer has been tried.
 */
export function fanout<T>(consumers: Consumer<T>[]): Consumer<T> {
  if (consumers.length === 1) return consumers[0]!;
  return {
    mutates: false,
    async consume(data: T) {
      // read per call: a pipeline's outlet may start to mutate after a config reload
      const mutating = consumers.filter((c) => c.mutates);
      const readers = consumers.filter((c) => !c.mutates);
      const calls: Promise<void>[] = [];
      mutating.forEach((c, i) => {
        const own = i === mutating.length - 1 && readers.length === 0 ? data : cloneData(data);
        calls.push(c.consume(own));
      });
      for (const c of readers) calls.push(c.consume(data));
      const results = await Promise.allSettled(calls);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * A pipeline's entry point, kept across config reloads: receivers and connectors hold the outlet,
 * a reload points it at the new pipeline's first consumer in one step.
 */
export class Outlet<T> implements Consumer<T> {
  constructor(public target: Consumer<T>) {}

  get mutates(): boolean {
    return this.target.mutates ?? false;
  }

  consume(data: T): Promise<void> {
    return this.target.consume(data);
  }
}

// The SQLite sending queue: committed offers, group commit, deletes, persistence across close and reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../store/store.js';
import type { QueueLimits } from './queue.js';
import type { ExportRequest } from './request.js';
import { SqliteQueue } from './sqlite-queue.js';

const req = (n: number, bytes = 10): ExportRequest => ({ signal: n % 2 ? 'traces' : 'metrics', items: n, body: new Uint8Array(bytes).fill(n) });
const limits: QueueLimits = { maxRequests: 100, maxBytes: 0, onFull: 'block' };
const dirs: string[] = [];
function dbPath(): string {
  const d = mkdtempSync(join(tmpdir(), 'outrider-queue-'));
  dirs.push(d);
  return join(d, 'outrider.db');
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const rows = (store: Store) => store.handle.prepare('SELECT exporter, signal, items, bytes FROM export_queue ORDER BY id').all();

describe('SqliteQueue', () => {
  it('an offer resolves once its row is committed; same-tick offers share one transaction', async () => {
    const store = new Store(dbPath());
    const queue = new SqliteQueue(store, 'otlp/a', limits, 'otlp/a');
    const flush = vi.spyOn(queue, 'flush');
    const p = Promise.all([queue.offer(req(1)), queue.offer(req(2)), queue.offer(req(3))]);
    expect(rows(store)).toHaveLength(0); // not yet flushed
    await p;
    expect(flush).toHaveBeenCalledTimes(1); // one transaction for the three
    expect(rows(store)).toEqual([
      { exporter: 'otlp/a', signal: 'traces', items: 1, bytes: 10 },
      { exporter: 'otlp/a', signal: 'metrics', items: 2, bytes: 10 },
      { exporter: 'otlp/a', signal: 'traces', items: 3, bytes: 10 },
    ]);
    store.close();
  });

  it('loads bodies from disk and deletes delivered rows', async () => {
    const store = new Store(dbPath());
    const queue = new SqliteQueue(store, 'otlp/a', limits, 'otlp/a');
    await queue.offer(req(7, 33));
    const slot = (await queue.take())!;
    expect(Array.from(slot.body!)).toEqual(new Array(33).fill(7));
    queue.release(slot, 'remove');
    queue.flush();
    expect(rows(store)).toHaveLength(0);
    store.close();
  });

  it('what is left survives closing and reopening the store, per exporter, oldest first', async () => {
    const path = dbPath();
    let store = new Store(path);
    const a = new SqliteQueue(store, 'otlp/a', limits, 'otlp/a');
    const b = new SqliteQueue(store, 'otlp/b', limits, 'otlp/b');
    for (const n of [1, 2, 3]) await a.offer(req(n, n));
    await b.offer(req(9));
    const inFlight = (await a.take())!; // kept: the send was interrupted
    a.release(inFlight, 'keep');
    const delivered = (await a.take())!;
    a.release(delivered, 'remove');
    a.stop();
    a.flush();
    store.close();

    store = new Store(path);
    const again = new SqliteQueue(store, 'otlp/a', limits, 'otlp/a');
    expect(again.recover()).toEqual({ requests: 2, items: 4 });
    expect(again.size).toBe(2);
    const first = (await again.take())!;
    expect([first.items, Array.from(first.body!)]).toEqual([1, [1]]);
    const second = (await again.take())!;
    expect([second.items, Array.from(second.body!)]).toEqual([3, [3, 3, 3]]);
    expect(new SqliteQueue(store, 'otlp/b', limits, 'otlp/b').recover()).toEqual({ requests: 1, items: 9 });
    store.close();
  });

  it('recovered rows count against the bounds', async () => {
    const path = dbPath();
    let store = new Store(path);
    const q1 = new SqliteQueue(store, 'otlp/a', limits, 'otlp/a');
    for (const n of [1, 2, 3]) await q1.offer(req(n));
    store.close();
    store = new Store(path);
    const q2 = new SqliteQueue(store, 'otlp/a', { ...limits, maxRequests: 3 }, 'otlp/a');
    q2.recover();
    await expect(q2.offer(req(4))).rejects.toMatchObject({ code: 'DATA_REFUSED' });
    store.close();
  });

  it('drop_oldest deletes evicted rows', async () => {
    const store = new Store(dbPath());
    const evicted: number[] = [];
    const queue = new SqliteQueue(store, 'otlp/a', { maxRequests: 2, maxBytes: 0, onFull: 'drop_oldest', onEvict: (s) => evicted.push(s.items) }, 'otlp/a');
    for (const n of [1, 2, 3]) await queue.offer(req(n));
    queue.flush();
    expect(evicted).toEqual([1]);
    expect(rows(store).map((r) => (r as { items: number }).items)).toEqual([2, 3]);
    store.close();
  });
});

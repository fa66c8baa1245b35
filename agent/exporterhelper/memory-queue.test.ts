// The in-memory sending queue: order, bounds by requests and bytes, block and drop_oldest, close and stop.
import { describe, expect, it } from 'vitest';
import { OutriderError } from '../errors.js';
import { MemoryQueue } from './memory-queue.js';
import type { QueueLimits, Slot } from './queue.js';
import type { ExportRequest } from './request.js';

const req = (n: number, bytes = 10): ExportRequest => ({ signal: 'traces', items: n, body: new Uint8Array(bytes).fill(n) });
const q = (limits: Partial<QueueLimits> = {}) => new MemoryQueue({ maxRequests: 3, maxBytes: 0, onFull: 'block', ...limits }, 'otlp/test');

describe('MemoryQueue', () => {
  it('hands requests out in order', async () => {
    const queue = q();
    await queue.offer(req(1));
    await queue.offer(req(2));
    expect(queue.size).toBe(2);
    expect((await queue.take())!.items).toBe(1);
    expect((await queue.take())!.items).toBe(2);
  });

  it('a waiting consumer gets the next offer', async () => {
    const queue = q();
    const taken = queue.take();
    await queue.offer(req(5));
    expect((await taken)!.items).toBe(5);
  });

  it('block: refuses past queue_size with a retryable DATA_REFUSED, counting in-flight requests', async () => {
    const queue = q();
    for (const n of [1, 2, 3]) await queue.offer(req(n));
    const slot = (await queue.take())!; // in flight still counts
    const err = await queue.offer(req(4)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutriderError);
    expect((err as OutriderError).code).toBe('DATA_REFUSED');
    expect((err as OutriderError).retryable).toBe(true);
    expect((err as OutriderError).grpcCode).toBe(14);
    expect((err as OutriderError).httpStatus).toBe(503);
    queue.release(slot, 'remove');
    await queue.offer(req(4));
    expect(queue.size).toBe(3);
  });

  it('block: refuses past max_bytes', async () => {
    const queue = q({ maxRequests: 100, maxBytes: 25 });
    await queue.offer(req(1, 10));
    await queue.offer(req(2, 10));
    await expect(queue.offer(req(3, 10))).rejects.toMatchObject({ code: 'DATA_REFUSED' });
    await expect(queue.offer(req(4, 5))).resolves.toBeUndefined();
    expect(queue.bytes).toBe(25);
    // a request that can never fit is refused permanently, or it would stall every sender behind it
    await expect(q({ maxBytes: 5 }).offer(req(1, 6))).rejects.toMatchObject({ code: 'TOO_LARGE', retryable: false });
    await expect(q({ maxBytes: 5, onFull: 'drop_oldest' }).offer(req(1, 6))).rejects.toMatchObject({ code: 'TOO_LARGE', retryable: false });
  });

  it('drop_oldest: evicts the oldest queued requests and reports them', async () => {
    const evicted: Slot[] = [];
    const queue = q({ onFull: 'drop_oldest', onEvict: (s) => evicted.push(s) });
    for (const n of [1, 2, 3, 4, 5]) await queue.offer(req(n));
    expect(evicted.map((s) => s.items)).toEqual([1, 2]);
    expect(queue.size).toBe(3);
    expect((await queue.take())!.items).toBe(3);
  });

  it('drop_oldest: refuses when everything held is in flight', async () => {
    const queue = q({ maxRequests: 1, onFull: 'drop_oldest' });
    await queue.offer(req(1));
    await queue.take();
    await expect(queue.offer(req(2))).rejects.toMatchObject({ code: 'DATA_REFUSED' });
  });

  it('close: stops intake, lets consumers drain, then ends them', async () => {
    const queue = q();
    await queue.offer(req(1));
    queue.close();
    await expect(queue.offer(req(2))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    expect((await queue.take())!.items).toBe(1);
    expect(await queue.take()).toBeUndefined();
  });

  it('close wakes idle consumers', async () => {
    const queue = q();
    const waiting = queue.take();
    queue.close();
    expect(await waiting).toBeUndefined();
  });

  it('stop: returns what is still queued and frees it', async () => {
    const queue = q();
    for (const n of [1, 2]) await queue.offer(req(n));
    const left = queue.stop();
    expect(left.map((s) => s.items)).toEqual([1, 2]);
    expect(queue.size).toBe(0);
    expect(await queue.take()).toBeUndefined();
  });
});

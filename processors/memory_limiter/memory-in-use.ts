// Memory the agent uses, as opposed to what it holds: resident memory less the heap pages V8 keeps
// free and the freed blocks the C allocator keeps, estimated from V8's heap statistics.
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** V8's heap and the memory JavaScript objects hold outside it, in bytes. */
export interface HeapReading {
  /** V8's heap resident in memory (`total_physical_size`). */
  resident: number;
  /**
   * The part of it that holds no object, outside the young generation: free space in the old,
   * code and large-object spaces, which V8 keeps after a collection and allocates from again. The
   * young generation is left in use at its resident size: intake fills it again at once.
   */
  free: number;
  /** Memory held outside the heap by Buffers and ArrayBuffers (`external_memory`). */
  external: number;
}

/** Reads V8's heap statistics (about 15 µs). */
export function readHeap(): HeapReading {
  let free = 0;
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_name !== 'new_space') free += Math.max(0, s.physical_space_size - s.space_used_size);
  }
  const h = getHeapStatistics();
  return { resident: h.total_physical_size, free, external: h.external_memory };
}

/**
 * Resident bytes outside V8's heap and external memory: the code, node's and the libraries' native
 * memory, thread stacks — and free blocks the C allocator keeps. Taken as a baseline while RSS is
 * under the soft limit, where the allocator keeps little that it does not use.
 */
export function nativeBytes(rss: number, heap: HeapReading): number {
  return Math.max(0, rss - heap.resident - heap.external);
}

/**
 * Memory in use: V8's heap less its free space (the young generation counted whole), external
 * memory and the native baseline; never more than RSS. The free space V8 keeps and the blocks the C
 * allocator freed after the baseline was taken are left out: new allocations reuse them before the
 * process asks the system for more.
 */
export function inUseBytes(rss: number, heap: HeapReading, native: number): number {
  return Math.min(rss, heap.resident - heap.free + heap.external + native);
}

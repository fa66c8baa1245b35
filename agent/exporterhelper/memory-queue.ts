// The in-memory sending queue: bounded by requests and bytes, lost on restart.
import type { ExportRequest } from './request.js';
import { SendingQueue, type Release, type Slot } from './queue.js';

/** Holds encoded requests in memory; what is left at shutdown is lost (and counted by the exporter). */
export class MemoryQueue extends SendingQueue {
  readonly durable = false;
  private nextKey = 1;

  protected persist(req: ExportRequest): Promise<Slot> {
    return Promise.resolve({ key: this.nextKey++, signal: req.signal, items: req.items, bytes: req.body.byteLength, body: req.body });
  }

  protected load(slot: Slot): Slot { return slot; }

  protected forget(_slot: Slot, _how: Release): void {}
}

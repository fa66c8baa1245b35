// The sending queue contract and its bounded core (requests and bytes), shared by memory and sqlite storage.
import type { Signal } from '../pdata/model.js';
import { errors, OutriderError } from '../errors.js';
import type { ExportRequest } from './request.js';

/** One queued request. `body` is absent while it lives only on disk. */
export interface Slot {
  /** Insertion order; the row id for the sqlite queue. */
  key: number;
  signal: Signal;
  items: number;
  /** Encoded size in bytes. */
  bytes: number;
  body?: Uint8Array;
}

/** What happens to a taken request: `remove` (delivered or dropped for good) or `keep` (left for a restart). */
export type Release = 'remove' | 'keep';

/** Bounds and overflow policy of a queue. */
export interface QueueLimits {
  /** Capacity in requests (batches). */
  maxRequests: number;
  /** Capacity in encoded bytes; 0 = unbounded. */
  maxBytes: number;
  /** `block` refuses new requests when full; `drop_oldest` evicts queued ones to make room. */
  onFull: 'block' | 'drop_oldest';
  /** Told about every request evicted by drop_oldest. */
  onEvict?: (slot: Slot) => void;
}

/** A bounded FIFO of encoded requests feeding N consumers. Held = queued + in flight. */
export abstract class SendingQueue {
  private ready: Slot[] = [];
  private head = 0;
  private waiters: Array<(s: Slot | undefined) => void> = [];
  private heldCount = 0;
  private heldBytes = 0;
  private closed = false;
  private stopped = false;
  private persisting = 0;

  constructor(protected readonly limits: QueueLimits, protected readonly who: string) {}

  /** Requests held (queued and in flight). */
  get size(): number { return this.heldCount; }
  /** Encoded bytes held. */
  get bytes(): number { return this.heldBytes; }
  /** Requests waiting for a consumer. */
  get queued(): number { return this.ready.length - this.head; }
  get capacity(): number { return this.limits.maxRequests; }

  /**
   * Takes a request in. Resolves once it is held (on disk for the sqlite queue); throws a
   * retryable DATA_REFUSED when full under `block`, SHUTTING_DOWN once closed.
   */
  async offer(req: ExportRequest): Promise<void> {
    if (this.closed) throw errors.shuttingDown(this.who);
    const bytes = req.body.byteLength;
    if (this.limits.maxBytes > 0 && bytes > this.limits.maxBytes) {
      // can never fit: refusing it as retryable would stall every sender behind it
      throw errors.tooLarge(`${this.who}: a request of ${bytes} bytes exceeds sending_queue.max_bytes (${this.limits.maxBytes})`);
    }
    if (!this.makeRoom(bytes)) {
      throw errors.dataRefused(`${this.who}: sending queue is full (${this.heldCount} requests, ${this.heldBytes} bytes)`);
    }
    this.heldCount++;
    this.heldBytes += bytes;
    this.persisting++;
    let slot: Slot;
    try {
      slot = await this.persist(req);
    } catch (err) {
      this.heldCount--;
      this.heldBytes -= bytes;
      throw err instanceof OutriderError ? err : errors.dataRefused(`${this.who}: sending queue write failed: ${(err as Error).message}`);
    } finally {
      this.persisting--;
    }
    if (this.stopped) {
      this.heldCount--;
      this.heldBytes -= bytes;
      if (this.durable) return; // on disk; a restart sends it
      throw errors.shuttingDown(this.who);
    }
    this.push(slot);
    this.maybeDrained();
  }

  /** The next request (body loaded), waiting for one; undefined once closed and drained, or stopped. */
  take(): Promise<Slot | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const slot = this.shift();
    if (slot) return Promise.resolve(this.load(slot));
    if (this.closed && this.persisting === 0) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push((s) => resolve(s && this.load(s))));
  }

  /**
   * Without waiting, the request at the head of the queue if it carries `signal` and its size
   * keeps the total within `maxBytes` (for merging into one send); otherwise undefined.
   */
  takeIfFits(signal: Signal, maxBytes: number): Slot | undefined {
    if (this.stopped || this.head >= this.ready.length) return undefined;
    const next = this.ready[this.head]!;
    if (next.signal !== signal || next.bytes > maxBytes) return undefined;
    return this.load(this.shift()!);
  }

  /** Gives back a taken request: `remove` forgets it, `keep` leaves it on disk for a restart. */
  release(slot: Slot, how: Release): void {
    this.heldCount--;
    this.heldBytes -= slot.bytes;
    this.forget(slot, how);
  }

  /** Stops intake; consumers keep draining what is queued, then take() yields undefined. */
  close(): void {
    this.closed = true;
    this.maybeDrained();
  }

  /** Stops handing out requests; returns those still queued (lost for memory, on disk for sqlite). */
  stop(): Slot[] {
    this.closed = true;
    this.stopped = true;
    const left = this.ready.slice(this.head);
    this.ready = [];
    this.head = 0;
    for (const s of left) { this.heldCount--; this.heldBytes -= s.bytes; }
    this.wakeAll();
    return left;
  }

  /** Whether held requests survive the process (left on disk at stop). */
  abstract readonly durable: boolean;
  /** Stores a newly offered request; resolves with its slot once it is held. */
  protected abstract persist(req: ExportRequest): Promise<Slot>;
  /** Fills in the body of a slot about to be sent. */
  protected abstract load(slot: Slot): Slot;
  /** Called when a slot leaves the queue (released or evicted). */
  protected abstract forget(slot: Slot, how: Release): void;

  /** Puts a slot (new or recovered) at the tail and wakes a consumer. */
  protected push(slot: Slot, recovered = false): void {
    if (recovered) { this.heldCount++; this.heldBytes += slot.bytes; }
    const w = this.waiters.shift();
    if (w) w(slot); else this.ready.push(slot);
  }

  private shift(): Slot | undefined {
    if (this.head >= this.ready.length) return undefined;
    const s = this.ready[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.ready.length) { this.ready = this.ready.slice(this.head); this.head = 0; }
    return s;
  }

  private fits(bytes: number): boolean {
    const { maxRequests, maxBytes } = this.limits;
    return this.heldCount + 1 <= maxRequests && (maxBytes === 0 || this.heldBytes + bytes <= maxBytes);
  }

  private makeRoom(bytes: number): boolean {
    if (this.limits.onFull === 'block') return this.fits(bytes);
    while (!this.fits(bytes)) {
      const victim = this.shift();
      if (!victim) return false;
      this.heldCount--;
      this.heldBytes -= victim.bytes;
      this.forget(victim, 'remove');
      this.limits.onEvict?.(victim);
    }
    return true;
  }

  /** Once closed with nothing queued or being written, waiting consumers are told to finish. */
  private maybeDrained(): void {
    if (this.closed && this.queued === 0 && this.persisting === 0) this.wakeAll();
  }

  private wakeAll(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w(undefined);
  }
}

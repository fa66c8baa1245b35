// The exporter core shared by otlp and otlphttp: encode, queue, N senders with retry, metrics, drain at shutdown.
import type { Logger } from 'pino';
import { once, type Component, type Consumer, type CreateSettings, type Host, type SignalConsumers } from '../component.js';
import { errors } from '../errors.js';
import type { Signal, SignalData } from '../pdata/model.js';
import type { CommonExporterConfig } from './config.js';
import { ExporterMetrics } from './metrics.js';
import { MemoryQueue } from './memory-queue.js';
import type { SendingQueue, Slot } from './queue.js';
import { encodeRequest, splitRequest, type ExportRequest } from './request.js';
import { tooLargeForPeer } from './classify.js';
import { encodeInSlices } from './sliced-encode.js';
import type { ProtoWriter } from '../pdata/proto-writer.js';
import { sendWithRetry, type SendOutcome } from './retry.js';
import { SqliteQueue } from './sqlite-queue.js';
import { STORE } from '../services/store-service.js';
import { sleep, withTimeout, type Clock } from '../clock.js';
import type { Transport } from './transport.js';

/** What a concrete OTLP exporter supplies to the shared core. */
export interface QueuedExporterOptions {
  settings: CreateSettings;
  config: CommonExporterConfig;
  /** Signals the pipelines use this instance for. */
  signals: readonly Signal[];
  /** Builds the transport at start (reads TLS files, opens channels). */
  createTransport: () => Transport;
  /** Encodes a batch (given a writer, appends to it: see encodeInSlices); defaults to the agent's direct protobuf encoder. */
  encode?: <S extends Signal>(signal: S, data: SignalData[S], w?: ProtoWriter) => ExportRequest;
}

/** Extra wait for senders after the drain timeout aborted their attempts, in ms. */
const ABORT_GRACE_MS = 1_000;
const EVICT_WARN_EVERY_MS = 10_000;

/**
 * Builds an exporter component: `consume` encodes (a large batch in slices, see sliced-encode.ts) and queues (or, with the queue disabled,
 * sends before returning); `num_consumers` senders retry per `retry_on_failure`.
 * Shutdown stops intake, gives queued and retrying requests one more attempt each within
 * `sending_queue.drain_timeout`, then aborts: the sqlite queue keeps the rest on disk, the
 * memory queue counts it lost (`send_failed{reason="shutdown"}`).
 */
export function createQueuedExporter(opts: QueuedExporterOptions): Component & SignalConsumers {
  const core = new QueuedExporter(opts);
  const out: Component & SignalConsumers = {
    start: (host) => core.start(host),
    shutdown: once(() => core.shutdown()),
  };
  for (const signal of opts.signals) {
    const consumer: Consumer<SignalData[typeof signal]> = { mutates: false, consume: (data) => core.consume(signal, data) };
    (out as Record<Signal, unknown>)[signal] = consumer;
  }
  return out;
}

class QueuedExporter {
  private readonly id: string;
  private readonly log: Logger;
  private readonly cfg: CommonExporterConfig;
  private readonly metrics: ExporterMetrics;
  private readonly encode: NonNullable<QueuedExporterOptions['encode']>;
  private state: 'created' | 'started' | 'stopping' | 'stopped' = 'created';
  private transport: Transport | undefined;
  private queue: SendingQueue | undefined;
  private senders: Promise<void>[] = [];
  private readonly direct = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();
  private readonly abort = new AbortController();
  private lastEvictWarn = 0;
  /** Gives the queue's rows on disk over to the next instance of this id (see Store.claim). */
  private releaseRows: (() => void) | undefined;

  constructor(private readonly opts: QueuedExporterOptions) {
    this.id = opts.settings.id;
    this.log = opts.settings.logger;
    this.cfg = opts.config;
    this.metrics = new ExporterMetrics(opts.settings.meter, this.id);
    this.encode = opts.encode ?? encodeRequest;
  }

  async start(host: Host): Promise<void> {
    if (this.state !== 'created') return;
    this.transport = this.opts.createTransport();
    const q = this.cfg.sending_queue;
    if (q.enabled) {
      const limits = { maxRequests: q.queue_size, maxBytes: q.max_bytes, onFull: q.on_full, onEvict: (s: Slot) => this.evicted(s) };
      if (q.storage === 'sqlite') {
        const store = host.service(STORE);
        const sq = new SqliteQueue(store, this.id, limits, this.id);
        this.queue = sq;
        // the rows on disk are this instance's once no other instance of the same id holds them
        // (after a config reload, the replaced one hands them over when it stops)
        this.releaseRows = store.claim(`export_queue:${this.id}`, () => {
          if (this.state === 'stopping' || this.state === 'stopped') return;
          const found = sq.recover();
          if (found.requests > 0) this.log.info({ exporter: this.id, requests: found.requests, items: found.items }, `${this.id}: resuming ${found.requests} queued requests from disk`);
        });
      } else {
        this.queue = new MemoryQueue(limits, this.id);
      }
      this.metrics.observeQueue(() => this.queue?.size ?? 0, q.queue_size);
      for (let i = 0; i < q.num_consumers; i++) this.senders.push(this.runSender(this.queue));
    }
    this.state = 'started';
    this.log.debug({ exporter: this.id, target: this.transport.target }, `${this.id}: started`);
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.state !== 'started') {
      throw this.state === 'created' ? errors.dataRefused(`${this.id}: not started`) : errors.shuttingDown(this.id);
    }
    // a large batch is encoded over several event-loop turns, so requests arriving meanwhile are served
    const req = await encodeInSlices(signal, data, this.encode);
    if (req.items === 0) return;
    if (this.state !== 'started') throw errors.shuttingDown(this.id);
    if (this.queue) {
      try {
        await this.queue.offer(req);
      } catch (err) {
        this.metrics.enqueueFailed(signal, req.items);
        throw err;
      }
      return;
    }
    const p = this.deliver(req);
    this.direct.add(p);
    const outcome = await p.finally(() => this.direct.delete(p));
    if (outcome.ok) return;
    if (outcome.reason === 'stopped') this.metrics.failed(req.signal, req.items, 'shutdown');
    throw errors.exportFailed(`${this.id}: ${outcome.error.message}`, outcome.reason !== 'permanent', outcome.error);
  }

  async shutdown(): Promise<void> {
    if (this.state === 'created') { this.state = 'stopped'; this.metrics.close(); return; }
    this.state = 'stopping';
    this.queue?.close();
    this.stopping.abort();
    const drained = await settleWithin(this.opts.settings.clock, [...this.senders, ...this.direct], this.cfg.sending_queue.drain_timeout);
    if (!drained) {
      this.abort.abort();
      const left = this.queue?.stop() ?? [];
      this.reportLeft(left);
      await settleWithin(this.opts.settings.clock, [...this.senders, ...this.direct], ABORT_GRACE_MS);
    }
    if (this.queue instanceof SqliteQueue) {
      try {
        this.queue.flush();
        const { requests, items } = this.queue.onDisk();
        if (requests > 0) this.log.warn({ exporter: this.id, requests, items }, `${this.id}: ${requests} requests (${items} items) stay on disk for the next start`);
      } catch (err) { this.log.error({ err }, `${this.id}: flushing the sending queue failed`); }
    }
    this.releaseRows?.();
    this.metrics.close();
    await this.transport?.close();
    this.state = 'stopped';
  }

  /** One sender: takes requests until the queue is drained or stopped. */
  private async runSender(queue: SendingQueue): Promise<void> {
    for (;;) {
      let slot: Slot | undefined;
      try {
        slot = await queue.take();
      } catch (err) {
        this.log.error({ err }, `${this.id}: reading the sending queue failed`);
        await sleep(this.opts.settings.clock, 1_000);
        continue;
      }
      if (!slot) return;
      // requests queued right behind it go in the same send (protobuf concatenation merges them)
      const slots = [slot];
      let bytes = slot.bytes;
      const limit = this.cfg.sending_queue.merge_max_bytes;
      for (let more = limit > 0 ? queue.takeIfFits(slot.signal, limit - bytes) : undefined; more; more = queue.takeIfFits(slot.signal, limit - bytes)) {
        slots.push(more);
        bytes += more.bytes;
      }
      const items = slots.reduce((n, s) => n + s.items, 0);
      const body = slots.length === 1 ? slot.body! : Buffer.concat(slots.map((s) => s.body!));
      const outcome = await this.deliver({ signal: slot.signal, items, body });
      if (!outcome.ok && outcome.reason === 'stopped') {
        if (queue.durable) { for (const s of slots) queue.release(s, 'keep'); continue; }
        this.metrics.failed(slot.signal, items, 'shutdown');
        this.log.warn({ exporter: this.id, signal: slot.signal, items, err: outcome.error.message }, `${this.id}: lost ${items} items at shutdown`);
      }
      for (const s of slots) queue.release(s, 'remove');
    }
  }

  /**
   * Sends one request with retries; counts sent, rejected and dropped items. A request the peer
   * refuses for its size is split in halves, each sent the same way, rather than dropped.
   */
  private async deliver(req: ExportRequest): Promise<SendOutcome> {
    const outcome = await this.send(req);
    if (outcome.ok || outcome.reason !== 'permanent' || req.items < 2 || !tooLargeForPeer(outcome.error)) return this.count(req, outcome);
    const halves = splitRequest(req);
    this.metrics.split();
    this.log.warn({ exporter: this.id, signal: req.signal, items: req.items, bytes: req.body.length, err: outcome.error.message },
      `${this.id}: the peer refused a request of ${req.items} items (${req.body.length} bytes) for its size; sending it in ${halves.length} parts`);
    // the outcome of the whole: the first part's failure, if any (a stop keeps a durable request for later)
    let failed: SendOutcome | undefined;
    let last: SendOutcome = outcome;
    for (const half of halves) {
      last = await this.deliver(half);
      if (!last.ok) failed ??= last;
    }
    return failed ?? last;
  }

  /** One request, with retries. */
  private send(req: ExportRequest): Promise<SendOutcome> {
    const transport = this.transport!;
    return sendWithRetry(
      (abort) => transport.send(req, { timeoutMs: this.cfg.timeout, signal: abort }),
      this.cfg.retry_on_failure,
      { stopping: this.stopping.signal, abort: this.abort.signal },
      (error, waitMs) => {
        this.metrics.retried();
        this.log.debug({ exporter: this.id, err: error.message, waitMs }, `${this.id}: export failed, retrying in ${waitMs} ms`);
      },
      this.opts.settings.clock,
    );
  }

  /** Counts what a request's outcome did to its items. */
  private count(req: ExportRequest, outcome: SendOutcome): SendOutcome {
    if (outcome.ok) {
      const rejected = Math.min(Math.max(outcome.result.rejected, 0), req.items);
      this.metrics.sent(req.signal, req.items - rejected);
      if (rejected > 0 || outcome.result.errorMessage) {
        this.metrics.failed(req.signal, rejected, 'rejected');
        this.log.warn({ exporter: this.id, signal: req.signal, rejected, message: outcome.result.errorMessage }, `${this.id}: partial success, ${rejected} of ${req.items} items rejected: ${outcome.result.errorMessage}`);
      }
    } else if (outcome.reason !== 'stopped') {
      this.metrics.failed(req.signal, req.items, outcome.reason);
      this.log.error({ exporter: this.id, signal: req.signal, items: req.items, attempts: outcome.attempts, reason: outcome.reason, err: outcome.error.message },
        `${this.id}: dropped ${req.items} items (${outcome.reason}): ${outcome.error.message}`);
    }
    return outcome;
  }

  private evicted(slot: Slot): void {
    this.metrics.failed(slot.signal, slot.items, 'queue_full');
    const now = this.opts.settings.clock.now();
    if (now - this.lastEvictWarn >= EVICT_WARN_EVERY_MS) {
      this.lastEvictWarn = now;
      this.log.warn({ exporter: this.id }, `${this.id}: sending queue full, dropping the oldest requests (on_full: drop_oldest)`);
    }
  }

  private reportLeft(left: Slot[]): void {
    if (left.length === 0) return;
    const items = left.reduce((n, s) => n + s.items, 0);
    if (this.queue?.durable) return; // counted from the disk once the queue is flushed
    for (const s of left) this.metrics.failed(s.signal, s.items, 'shutdown');
    this.log.warn({ exporter: this.id, requests: left.length, items }, `${this.id}: drain timeout passed, lost ${left.length} queued requests (${items} items)`);
  }
}

/** Whether every promise settled within `ms` on `clock`. */
async function settleWithin(clock: Clock, ps: Promise<unknown>[], ms: number): Promise<boolean> {
  return (await withTimeout(clock, Promise.allSettled(ps), ms)).done;
}

// batch processor: joins small batches into bigger ones by size or timeout, sends them downstream
// in order, retries retryable failures, and refuses new data while too much is pending.
import type { Counter } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import { sleep, withTimeout, type Timer } from '../../agent/clock.js';
import { asOutriderError, errors } from '../../agent/errors.js';
import { itemCount, itemUnit } from '../../agent/pdata/count.js';
import { mergeBatches, splitBatch } from '../../agent/pdata/merge.js';
import type { Signal, SignalData, TracesData } from '../../agent/pdata/model.js';
import { DecodedSpan } from '../../agent/pdata/span-edit.js';
import type { BatchConfig } from './config.js';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * `td` with each span that still has its received encoding held as that encoding (a LazySpan):
 * spans wait here up to `timeout`, and their decoded fields would otherwise survive young-generation
 * collections and be copied, or promoted, on the way. A new batch around the same resources and
 * scopes: the one received may be shared with other pipelines (this processor does not change data).
 */
function compactSpans(td: TracesData): TracesData {
  return {
    resourceSpans: td.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.map((s) => DecodedSpan.compact(s)) })),
    })),
  };
}

export class Batcher<S extends Signal> implements Component, Consumer<SignalData[S]> {
  readonly mutates = false;
  private parts: SignalData[S][] = [];
  private partItems = 0;
  /** Batches ready to send, oldest first. */
  private ready: Array<{ data: SignalData[S]; items: number }> = [];
  /** Items buffered, ready or in flight. */
  private pendingItems = 0;
  private timer: Timer | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  /** Set while the sender waits to retry; aborting it ends the wait. */
  private retryWait: AbortController | undefined;
  /** Set when drain_timeout ran out at shutdown: the sender stops, what is held is dropped. */
  private abandoned = false;
  private readonly maxPending: number;
  private readonly attrs: Record<string, string>;
  private readonly dropped: Counter;
  private readonly refused: Counter;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: BatchConfig,
    private readonly signal: S,
    private readonly next: Consumer<SignalData[S]>,
  ) {
    this.maxPending = config.max_pending_items > 0 ? config.max_pending_items : config.send_batch_size * 10;
    this.attrs = { processor: settings.id, pipeline: settings.pipeline ?? '' };
    const unit = itemUnit(signal);
    this.dropped = settings.meter.createCounter(`outrider_processor_dropped_${unit}`, { description: 'Items dropped by a processor, by reason.' });
    this.refused = settings.meter.createCounter(`outrider_processor_refused_${unit}`, { description: 'Items refused by a processor (the sender is asked to retry).' });
  }

  async start(_host: Host): Promise<void> {}

  /** Items buffered or waiting downstream. */
  get pending(): number { return this.pendingItems; }

  async consume(data: SignalData[S]): Promise<void> {
    const n = itemCount(this.signal, data);
    if (this.closed) {
      this.refused.add(n, this.attrs);
      throw errors.shuttingDown(this.settings.id);
    }
    if (n === 0) return;
    if (this.pendingItems + n > this.maxPending && this.pendingItems > 0) {
      this.refused.add(n, this.attrs);
      throw errors.dataRefused(`${this.settings.id}: ${this.pendingItems} items pending downstream (max_pending_items ${this.maxPending})`);
    }
    this.parts.push(this.signal === 'traces' ? compactSpans(data as TracesData) as SignalData[S] : data);
    this.partItems += n;
    this.pendingItems += n;
    if (this.partItems >= this.config.send_batch_size) this.cut();
    else this.timer ??= this.settings.clock.setTimeout(() => this.cut(), this.config.timeout);
  }

  /** Moves the buffer into the ready list (split by send_batch_max_size) and kicks the sender. */
  private cut(): void {
    if (this.timer) { this.timer.cancel(); this.timer = undefined; }
    if (this.parts.length === 0) return;
    const merged = mergeBatches(this.signal, this.parts);
    this.parts = [];
    this.partItems = 0;
    for (const piece of splitBatch(this.signal, merged, this.config.send_batch_max_size)) {
      this.ready.push({ data: piece, items: itemCount(this.signal, piece) });
    }
    this.kick();
  }

  private kick(): void {
    if (this.sending || this.retryWait) return;
    this.sending = this.sendAll().finally(() => { this.sending = undefined; });
  }

  private async sendAll(): Promise<void> {
    let attempt = 0;
    while (this.ready.length > 0 && !this.abandoned) {
      const head = this.ready[0]!;
      try {
        await this.next.consume(head.data);
      } catch (e) {
        const err = asOutriderError(e);
        if (this.abandoned) return;
        if (err.retryable) {
          const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt++);
          if (attempt === 1) this.settings.logger.warn({ err: err.message, items: head.items }, 'downstream refused a batch; retrying');
          this.retryWait = new AbortController();
          await sleep(this.settings.clock, delay, this.retryWait.signal);
          this.retryWait = undefined;
          continue;
        }
        this.settings.logger.error({ err: err.message, items: head.items }, 'downstream rejected a batch permanently; dropping it');
        this.dropped.add(head.items, { ...this.attrs, reason: 'permanent_error' });
      }
      if (this.abandoned) return;
      attempt = 0;
      this.ready.shift();
      this.pendingItems -= head.items;
    }
  }

  /** Refuses new data, flushes the buffer, and delivers what is held within drain_timeout. */
  readonly shutdown = once(async () => {
    this.closed = true;
    this.cut();
    const drained = (async () => { while (this.sending) await this.sending; })();
    if ((await withTimeout(this.settings.clock, drained, this.config.drain_timeout)).done) return;
    this.abandoned = true;
    this.retryWait?.abort();
    const items = this.pendingItems;
    this.dropped.add(items, { ...this.attrs, reason: 'shutdown' });
    this.settings.logger.error({ items, drainTimeoutMs: this.config.drain_timeout }, `batch processor stopped with ${items} items not delivered (downstream did not take them within drain_timeout)`);
    this.ready = [];
    this.pendingItems = 0;
  });
}

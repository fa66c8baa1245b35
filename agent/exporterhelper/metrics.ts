// The exporter's self metrics (sent, failed, enqueue-failed items; retries; queue size and capacity).
import type { Attributes, Counter, Meter, ObservableGauge } from '@opentelemetry/api';
import type { Signal } from '../pdata/model.js';
import { itemUnit } from '../pdata/count.js';

/** Why items were dropped, the `reason` attribute of `outrider_exporter_send_failed_*`. */
export type DropReason =
  | 'permanent'          // the backend refused the request for good (e.g. INVALID_ARGUMENT, HTTP 400)
  | 'retries_exhausted'  // retryable failures past retry_on_failure.max_elapsed_time (or retries disabled)
  | 'rejected'           // partial success: the backend rejected some items
  | 'queue_full'         // evicted by sending_queue.on_full: drop_oldest
  | 'shutdown';          // still in the memory queue when the drain timeout ran out

interface SignalCounters { sent: Counter; failed: Counter; enqueueFailed: Counter }

/**
 * Counters named after the Collector's own, prefixed `outrider_exporter_` (Prometheus adds
 * `_total`), all with attribute `exporter`: `sent_{spans,metric_points,log_records}`,
 * `send_failed_*` (+ `reason`), `enqueue_failed_*`, `retries`, `split_requests`; observable gauges `queue_size`
 * and `queue_capacity` (requests).
 */
export class ExporterMetrics {
  private readonly bySignal = new Map<Signal, SignalCounters>();
  private readonly retries: Counter;
  private readonly splits: Counter;
  private readonly attrs: Attributes;
  private readonly gauges: ObservableGauge[] = [];
  private readonly observe: Parameters<ObservableGauge['addCallback']>[0][] = [];

  constructor(private readonly meter: Meter, exporter: string) {
    this.attrs = { exporter };
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const noun = itemUnit(signal);
      this.bySignal.set(signal, {
        sent: meter.createCounter(`outrider_exporter_sent_${noun}`, { description: `Items (${noun}) successfully sent to the destination.` }),
        failed: meter.createCounter(`outrider_exporter_send_failed_${noun}`, { description: `Items (${noun}) the exporter gave up on, by reason.` }),
        enqueueFailed: meter.createCounter(`outrider_exporter_enqueue_failed_${noun}`, { description: `Items (${noun}) refused because the sending queue was full.` }),
      });
    }
    this.retries = meter.createCounter('outrider_exporter_retries', { description: 'Export attempts retried after a retryable failure.' });
    this.splits = meter.createCounter('outrider_exporter_split_requests', { description: 'Requests the destination refused for their size, split in halves and sent again.' });
  }

  /** Reports the queue's held requests and capacity through the observable gauges. */
  observeQueue(size: () => number, capacity: number): void {
    const sizeGauge = this.meter.createObservableGauge('outrider_exporter_queue_size', { description: 'Requests (batches) held in the sending queue, in flight included.' });
    const capGauge = this.meter.createObservableGauge('outrider_exporter_queue_capacity', { description: 'Capacity of the sending queue in requests (batches).' });
    const onSize = (r: { observe(v: number, a?: Attributes): void }) => r.observe(size(), this.attrs);
    const onCap = (r: { observe(v: number, a?: Attributes): void }) => r.observe(capacity, this.attrs);
    sizeGauge.addCallback(onSize);
    capGauge.addCallback(onCap);
    this.gauges.push(sizeGauge, capGauge);
    this.observe.push(onSize, onCap);
  }

  sent(signal: Signal, items: number): void {
    if (items > 0) this.bySignal.get(signal)!.sent.add(items, this.attrs);
  }

  failed(signal: Signal, items: number, reason: DropReason): void {
    if (items > 0) this.bySignal.get(signal)!.failed.add(items, { ...this.attrs, reason });
  }

  enqueueFailed(signal: Signal, items: number): void {
    if (items > 0) this.bySignal.get(signal)!.enqueueFailed.add(items, this.attrs);
  }

  retried(): void { this.retries.add(1, this.attrs); }

  split(): void { this.splits.add(1, this.attrs); }

  /** Detaches the gauge callbacks (at shutdown). */
  close(): void {
    this.gauges.forEach((g, i) => g.removeCallback(this.observe[i]!));
  }
}

// The delivery loop: per notifier one send at a time, at least `minIntervalMs` apart; a group's rows in
// order; retries with exponential backoff and full jitter (or the peer's Retry-After); dead letters
// after `retry.max_elapsed_time`. Every outcome is written to the outbox in the tick it arrives.
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock.js';
import type { Notification } from '../alerting/model.js';
import type { Notifier, SendResult } from './api.js';
import { backoffMs, type DeliveryConfig } from './delivery-config.js';
import type { Outbox, OutboxRow } from './outbox.js';

/** One notifier as the loop drives it. */
export interface Lane {
  notifier: Notifier;
  delivery: DeliveryConfig;
  /** Secret values of its config, scrubbed from every logged or stored answer. */
  secretValues: readonly string[];
  /** No send starts before this time (min interval, a peer's Retry-After). */
  notBefore: number;
}

export interface DeliveryOptions {
  /** The outbox, once the store is open (undefined: nothing to deliver yet). */
  outbox: () => Outbox | undefined;
  clock: Clock;
  logger: Logger;
  /** `outrider_notifications{notifier,outcome}`. */
  counter: Counter;
  /** Jitter source in [0, 1); tests pin it. */
  random?: () => number;
}

/** Replaces every secret value in `text` by `<redacted>`. */
export function scrub(text: string, secretValues: readonly string[]): string {
  let out = text;
  for (const v of secretValues) if (v.length >= 4) out = out.split(v).join('<redacted>');
  return out;
}

/** Sends one notification with a deadline: the answer, or `retry` when the deadline passes or the notifier throws. */
export async function sendWithDeadline(clock: Clock, notifier: Notifier, n: Notification, timeoutMs: number, abort: AbortController): Promise<SendResult> {
  let timer: Timer | undefined;
  const late = new Promise<SendResult>((resolve) => {
    timer = clock.setTimeout(() => { abort.abort(); resolve({ outcome: 'retry', detail: `no answer within ${timeoutMs} ms` }); }, timeoutMs);
  });
  try {
    return await Promise.race([notifier.send(n, abort.signal), late]);
  } catch (err) {
    return { outcome: 'retry', detail: `send failed: ${(err as Error)?.message ?? String(err)}` };
  } finally {
    timer?.cancel();
  }
}

export class Delivery {
  private readonly lanes = new Map<string, Lane>();
  /** Notifier ids with a send in flight (kept across a lane's replacement, so a row is never sent twice at once). */
  private readonly busy = new Map<string, AbortController>();
  private readonly random: () => number;
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private running = false;
  private stopped = false;

  constructor(private readonly o: DeliveryOptions) {
    this.random = o.random ?? Math.random;
  }

  lane(id: string): Lane | undefined { return this.lanes.get(id); }

  laneIds(): string[] { return [...this.lanes.keys()]; }

  /** Adds or replaces the notifier of `id`; a send in flight on the old one finishes and is recorded. */
  setLane(id: string, lane: Omit<Lane, 'notBefore'>): void {
    const old = this.lanes.get(id);
    this.lanes.set(id, { ...lane, notBefore: old?.notBefore ?? 0 });
    // every outcome's series exists from the start, so rate() and increase() see the first event
    for (const outcome of ['sent', 'retried', 'rejected', 'dead']) this.o.counter.add(0, { notifier: id, outcome });
    if (old && old.notifier !== lane.notifier) void old.notifier.close().catch(() => {});
    this.kick();
  }

  /** Removes the notifier of `id` and closes it. */
  async removeLane(id: string): Promise<void> {
    const old = this.lanes.get(id);
    this.lanes.delete(id);
    await old?.notifier.close().catch(() => {});
  }

  /** Rows a previous run left in flight become due; then the loop runs. */
  start(): void {
    const resumed = this.o.outbox()?.resumeSending(this.o.clock.now()) ?? 0;
    if (resumed > 0) this.o.logger.info({ resumed }, 'resuming notifications that were in flight at the last stop');
    this.running = true;
    this.kick();
  }

  /** Runs a tick soon (after the caller's synchronous work, e.g. an enqueue's transaction). */
  kick(): void {
    if (this.running && !this.stopped) queueMicrotask(() => this.tick());
  }

  /** Stops the loop and aborts the sends in flight: their rows stay `sending` and resume at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    for (const a of this.busy.values()) a.abort();
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all(lanes.map((l) => l.notifier.close().catch(() => {})));
  }

  /** Starts every send that is due and allowed, and sets the timer for the next one. */
  private tick(): void {
    const outbox = this.o.outbox();
    if (!this.running || this.stopped || !outbox) return;
    const now = this.o.clock.now();
    let wake = Infinity;
    try {
      for (const [id, lane] of this.lanes) {
        if (this.busy.has(id)) continue;
        const row = outbox.head(id);
        if (!row) continue;
        const at = Math.max(row.nextAt, lane.notBefore);
        if (at <= now) void this.send(id, lane, row);
        else wake = Math.min(wake, at);
      }
    } catch (err) {
      // the store failed (disk full, closed): try again in a while rather than crash the agent
      this.o.logger.error({ err }, 'cannot read the notification outbox');
      wake = now + 5_000;
    }
    this.wakeAt(wake);
  }

  private wakeAt(at: number): void {
    if (at === Infinity || (this.timer && this.timerAt <= at)) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.o.clock.setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; this.tick(); }, Math.max(0, at - this.o.clock.now()));
    this.timer.unref();
  }

  private async send(id: string, lane: Lane, row: OutboxRow): Promise<void> {
    const { clock } = this.o;
    const outbox = this.o.outbox()!;
    const abort = new AbortController();
    this.busy.set(id, abort);
    try {
      const startedAt = clock.now();
      lane.notBefore = startedAt + lane.notifier.minIntervalMs;
      outbox.markSending(row.id, startedAt);
      const result = await sendWithDeadline(clock, lane.notifier, row.notification, lane.delivery.timeout, abort);
      // after stop the row stays `sending`: the next start sends it again (PagerDuty and Opsgenie dedupe by key)
      if (this.stopped) return;
      this.busy.delete(id);
      this.settle(outbox, lane, { ...row, attempts: row.attempts + 1 }, result);
    } catch (err) {
      this.busy.delete(id);
      if (!this.stopped) this.o.logger.error({ err, notifier: id, notification: row.id }, 'cannot record a notification attempt');
    }
    this.tick();
  }

  private settle(outbox: Outbox, lane: Lane, row: OutboxRow, result: SendResult): void {
    const { clock, counter } = this.o;
    const now = clock.now();
    const log = this.o.logger.child({ notifier: row.notifier, notification: row.id, action: row.action, attempt: row.attempts });
    const detail = result.detail === undefined ? null : scrub(result.detail, lane.secretValues);
    if (result.outcome === 'sent') {
      outbox.finish(row.id, 'sent', now, detail);
      counter.add(1, { notifier: row.notifier, outcome: 'sent' });
      log.debug('notification sent');
      return;
    }
    if (result.outcome === 'rejected') {
      outbox.finish(row.id, 'rejected', now, detail);
      counter.add(1, { notifier: row.notifier, outcome: 'rejected' });
      log.warn({ answer: detail }, 'notification rejected by the peer; not retried');
      return;
    }
    const retryAfterMs = result.retryAfterMs ?? 0;
    if (retryAfterMs > 0) lane.notBefore = Math.max(lane.notBefore, now + retryAfterMs);
    const nextAt = now + backoffMs(lane.delivery.retry, row.attempts, this.random, retryAfterMs);
    const limit = lane.delivery.retry.max_elapsed_time;
    if (limit > 0 && nextAt - row.createdAt > limit) {
      outbox.finish(row.id, 'dead', now, detail);
      counter.add(1, { notifier: row.notifier, outcome: 'dead' });
      log.error({ answer: detail, queuedMs: now - row.createdAt }, 'notification undelivered after retry.max_elapsed_time; moved to the dead letters');
      return;
    }
    outbox.markRetry(row.id, nextAt, now, detail ?? 'retry');
    counter.add(1, { notifier: row.notifier, outcome: 'retried' });
    log.info({ answer: detail, retryInMs: nextAt - now }, 'notification not delivered; retrying');
  }
}

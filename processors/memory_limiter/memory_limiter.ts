// memory_limiter: measures resident memory on a timer and refuses data above the soft limit; as an
// admission gate it also lets receivers refuse, before decoding, a request that would cross the limit.
// From the soft limit on it judges the memory in use rather than RSS, which a process that freed
// memory does not give back, so intake reopens once the memory in use falls.
// When a component sheds memory under pressure (tail_sampling falls back to head sampling), it
// reports the pressure above the soft limit and refuses only from the hard limit on.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { Counter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { Timer } from '../../agent/clock.js';
import { ADMISSION, type Admission, type AdmissionGate } from '../../agent/admission.js';
import { errors } from '../../agent/errors.js';
import { itemCount, itemUnit } from '../../agent/pdata/count.js';
import type { Signal, SignalData } from '../../agent/pdata/model.js';
import type { MemoryLimiterConfig } from './config.js';
import { v8Gc } from '../../agent/v8-gc.js';
import { inUseBytes, nativeBytes, readHeap, type HeapReading } from './memory-in-use.js';

const MIB = 1024 * 1024;

/**
 * Resident bytes a request costs per byte of its encoded size while it is decoded and handed on:
 * the body itself, the decoded model (about 3.3× an OTLP/protobuf body, measured on realistic spans)
 * and the copies on the way.
 */
export const REQUEST_EXPANSION = 5;
/** Shortest time between two GC hints while memory is above the soft limit. */
const GC_HINT_EVERY_MS = 100;
/**
 * Longest time one reading of RSS serves admissions while memory is under the soft limit (reading
 * it costs a read of /proc; at hundreds of requests per second that is worth sparing).
 */
export const RSS_MAX_AGE_MS = 50;
/**
 * Once memory is judged at or above the soft limit, it must fall under this share of it for intake
 * to reopen, so the limiter does not flap at the boundary.
 */
export const REOPEN_BELOW = 0.95;

/** Memory available to this process: the cgroup v2/v1 limit when set, else total RAM. */
export function availableMemoryBytes(): number {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const text = readFileSync(file, 'utf8').trim();
      const n = Number(text);
      if (text !== 'max' && Number.isFinite(n) && n > 0 && n < totalmem()) return n;
    } catch { /* not in a cgroup with a limit */ }
  }
  return totalmem();
}

/** Hard and soft limits in bytes from the config. */
export function limitsOf(c: MemoryLimiterConfig, available = availableMemoryBytes()): { hard: number; soft: number } {
  if (c.limit_mib > 0) {
    const spike = c.spike_limit_mib > 0 ? c.spike_limit_mib : c.limit_mib * 0.2;
    return { hard: c.limit_mib * MIB, soft: (c.limit_mib - spike) * MIB };
  }
  const hard = (available * c.limit_percentage) / 100;
  return { hard, soft: hard - (available * c.spike_limit_percentage) / 100 };
}

export class MemoryLimiter<S extends Signal> implements Component, Consumer<SignalData[S]>, AdmissionGate {
  readonly mutates = false;
  private timer: Timer | undefined;
  /** Memory judged at or above the soft limit when last measured (until it fell under {@link REOPEN_BELOW} of it). */
  private pressured = false;
  private refusing = false;
  /** The state last logged (admissions between ticks change `refusing` without logging). */
  private reported = false;
  private rss = 0;
  /**
   * The memory judged against the limits, in bytes: RSS while it is under the soft limit (under
   * {@link REOPEN_BELOW} of it while pressured), else the memory in use ({@link inUseBytes}).
   */
  private used = 0;
  /** Resident bytes outside V8's heap and external memory, at the last tick with RSS under the soft limit. */
  private native = 0;
  /** When RSS was last read (clock ms). */
  private measuredAt = -Infinity;
  /** Resident bytes charged to requests admitted since RSS was last read. */
  private admittedSinceMeasure = 0;
  /** Resident bytes charged to admitted requests not yet answered. */
  private inFlight = 0;
  private lastGc = 0;
  private withdraw: (() => void) | undefined;
  private admission: Admission | undefined;
  private readonly limits: { hard: number; soft: number };
  private readonly refused: Counter;
  private readonly inUseGauge: ObservableGauge;
  /** The memory in use as estimated now (read at each scrape). */
  private readonly observeInUse = (r: ObservableResult) =>
    r.observe(inUseBytes(this.measure(), this.heap(), this.native), { processor: this.settings.id, pipeline: this.settings.pipeline ?? '' });

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: MemoryLimiterConfig,
    private readonly signal: S,
    private readonly next: Consumer<SignalData[S]>,
    /** Resident set size in bytes; injectable for tests. */
    private readonly measure: () => number = () => process.memoryUsage.rss(),
    /** Asks for a full garbage collection; injectable for tests. */
    private readonly gc: (() => void) | undefined = v8Gc(),
    /** V8's heap and external memory in bytes; injectable for tests. */
    private readonly heap: () => HeapReading = readHeap,
  ) {
    this.limits = limitsOf(config);
    this.refused = settings.meter.createCounter(`outrider_processor_refused_${itemUnit(signal)}`, {
      description: 'Items refused by a processor (the sender is asked to retry).',
    });
    this.inUseGauge = settings.meter.createObservableGauge('outrider_memory_limiter_memory_in_use_bytes', {
      description: 'Memory in use as the memory_limiter estimates it: RSS less the free heap V8 keeps and the freed blocks the C allocator kept above the soft limit.',
    });
  }

  async start(host: Host): Promise<void> {
    this.admission = host.findService(ADMISSION);
    this.native = nativeBytes(this.measure(), this.heap());
    this.check();
    this.timer = this.settings.clock.setInterval(() => this.check(), this.config.check_interval).unref();
    this.withdraw = this.admission?.publish(this);
    this.inUseGauge.addCallback(this.observeInUse);
  }

  /**
   * Measures memory once and updates the refusing state (a check_interval tick). With RSS under the
   * soft limit, also takes the native baseline that the memory in use is estimated with.
   */
  check(): void {
    this.measureNow();
    if (this.rss < this.limits.soft) this.native = nativeBytes(this.rss, this.heap());
    if (this.refusing !== this.reported) {
      this.reported = this.refusing;
      const mib = { rssMib: (this.rss / MIB).toFixed(0), inUseMib: (this.used / MIB).toFixed(0) };
      const sheds = this.admission?.sheds === true;
      if (this.refusing) this.settings.logger.warn({ ...mib, limitMib: ((sheds ? this.limits.hard : this.limits.soft) / MIB).toFixed(0) }, `memory usage above the ${sheds ? 'hard' : 'soft'} limit: refusing data`);
      else this.settings.logger.info(mib, 'memory usage back below the limit: accepting data');
    }
  }

  /**
   * Reads RSS, and judges it while it is under the soft limit (while pressured: under
   * {@link REOPEN_BELOW} of it). From there on it judges the memory in use ({@link inUseBytes}), and
   * while that is at or above the limit asks V8 for a collection (at most every
   * {@link GC_HINT_EVERY_MS}, or check_interval if shorter) and reads again. Memory judged at or
   * above the limit: pressure, and refusing — unless a component sheds memory (then refusing from
   * the hard limit on).
   */
  private measureNow(): void {
    const now = this.settings.clock.now();
    const limit = this.pressured ? this.limits.soft * REOPEN_BELOW : this.limits.soft;
    this.judge(limit);
    if (this.used >= limit && this.gc && now - this.lastGc >= Math.min(this.config.check_interval, GC_HINT_EVERY_MS)) {
      this.lastGc = now;
      this.gc();
      this.judge(limit);
    }
    this.measuredAt = now;
    this.admittedSinceMeasure = 0;
    this.pressured = this.used >= limit;
    this.refusing = this.pressured && (this.admission?.sheds !== true || this.used >= this.limits.hard);
  }

  /** Reads RSS and, when it is at or above `limit`, the heap: sets {@link rss} and {@link used}. */
  private judge(limit: number): void {
    this.rss = this.measure();
    this.used = this.rss < limit ? this.rss : inUseBytes(this.rss, this.heap(), this.native);
  }

  /**
   * Admission before decoding. Refuses above the soft limit (the hard limit while a component sheds
   * memory under pressure), and when the request's cost (`bytes` × {@link REQUEST_EXPANSION}) on
   * top of the memory judged (see {@link used}) and the requests in flight would cross the hard
   * limit (limit_mib). Memory is read afresh (see {@link readingStale}) whenever the last reading
   * could be wrong about the soft limit, so intake reopens as soon as memory is back under it.
   */
  admit(bytes: number): boolean {
    const cost = bytes * REQUEST_EXPANSION;
    if (this.readingStale(cost)) this.measureNow();
    if (this.refusing) return false;
    if (this.used + this.inFlight + cost > this.limits.hard) return false;
    this.inFlight += cost;
    this.admittedSinceMeasure += cost;
    return true;
  }

  /**
   * Whether memory must be read again before admitting a request of `cost` resident bytes: it was
   * judged at or above the soft limit when last read, or the reading is {@link RSS_MAX_AGE_MS} old,
   * or the requests admitted since it plus this one could have brought it to the soft limit.
   */
  private readingStale(cost: number): boolean {
    return this.pressured
      || this.settings.clock.now() - this.measuredAt >= RSS_MAX_AGE_MS
      || this.used + this.admittedSinceMeasure + cost >= this.limits.soft;
  }

  /** Whether memory was judged at or above the soft limit when last measured (every check_interval, and at admissions). */
  pressure(): boolean {
    return this.pressured;
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes * REQUEST_EXPANSION);
  }

  async consume(data: SignalData[S]): Promise<void> {
    if (this.refusing) {
      this.refused.add(itemCount(this.signal, data), { processor: this.settings.id, pipeline: this.settings.pipeline ?? '' });
      throw errors.dataRefused('data refused due to high memory usage');
    }
    return this.next.consume(data);
  }

  readonly shutdown = once(async () => {
    this.timer?.cancel();
    this.inUseGauge.removeCallback(this.observeInUse);
    this.withdraw?.();
    this.withdraw = undefined;
  });
}

// memory_limiter: measures resident memory on a timer and refuses data above the soft limit.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { Counter } from '@opentelemetry/api';
import type { Component, Consumer, CreateSettings, Host } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { Timer } from '../../agent/clock.js';
import { errors } from '../../agent/errors.js';
import { itemCount, itemUnit } from '../../agent/pdata/count.js';
import type { Signal, SignalData } from '../../agent/pdata/model.js';
import type { MemoryLimiterConfig } from './config.js';

const MIB = 1024 * 1024;

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

export class MemoryLimiter<S extends Signal> implements Component, Consumer<SignalData[S]> {
  readonly mutates = false;
  private timer: Timer | undefined;
  private refusing = false;
  private readonly limits: { hard: number; soft: number };
  private readonly refused: Counter;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: MemoryLimiterConfig,
    private readonly signal: S,
    private readonly next: Consumer<SignalData[S]>,
    /** Resident set size in bytes; injectable for tests. */
    private readonly measure: () => number = () => process.memoryUsage.rss(),
  ) {
    this.limits = limitsOf(config);
    this.refused = settings.meter.createCounter(`outrider_processor_refused_${itemUnit(signal)}`, {
      description: 'Items refused by a processor (the sender is asked to retry).',
    });
  }

  async start(_host: Host): Promise<void> {
    this.check();
    this.timer = this.settings.clock.setInterval(() => this.check(), this.config.check_interval).unref();
  }

  /** Measures memory once and updates the refusing state. */
  check(): void {
    const rss = this.measure();
    if (rss >= this.limits.hard) (globalThis as { gc?: () => void }).gc?.();
    const was = this.refusing;
    this.refusing = rss >= this.limits.soft;
    if (this.refusing !== was) {
      const mib = (rss / MIB).toFixed(0);
      if (this.refusing) this.settings.logger.warn({ rssMib: mib, softLimitMib: (this.limits.soft / MIB).toFixed(0) }, 'memory usage above the soft limit: refusing data');
      else this.settings.logger.info({ rssMib: mib }, 'memory usage back below the soft limit: accepting data');
    }
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
  });
}


// The agent's own counters as the status page shows them: read from the /metrics exposition
// (the same numbers Prometheus scrapes), sampled so throughput can be given per second.
import type { Clock, Timer } from '../clock.js';
import type { Exposition } from '../services/metrics-service.js';

/** One sample of a self metric. */
export interface Sample { name: string; labels: Record<string, string>; value: number }

/** Families the status reports: per-component throughput, refusals, drops, queues. */
const WANTED = /^outrider_(receiver|exporter|processor|sampling|notifications|alerts|config_reloads)_?/;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Samples of the wanted families from Prometheus text (histogram series left out). */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m || !WANTED.test(m[1]!) || /_(bucket|sum|count|created)$/.test(m[1]!)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) {
      if (l[1] === 'otel_scope_name' || l[1] === 'otel_scope_version' || l[1] === 'job' || l[1] === 'instance') continue;
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

const keyOf = (s: Sample) => `${s.name}${JSON.stringify(s.labels)}`;

/** Snapshots every `intervalMs`, keeping enough for a per-second rate over about a minute. */
export class CounterSampler {
  private readonly snapshots: Array<{ at: number; values: Map<string, number> }> = [];
  private timer: Timer | undefined;

  constructor(private readonly exposition: Exposition, private readonly clock: Clock, private readonly intervalMs = 10_000, private readonly keep = 7) {}

  start(): void {
    void this.sample();
    this.timer = this.clock.setInterval(() => void this.sample(), this.intervalMs).unref();
  }

  stop(): void {
    this.timer?.cancel();
  }

  private async sample(): Promise<Sample[]> {
    const samples = parseExposition((await this.exposition.render('text/plain')).body);
    this.snapshots.push({ at: this.clock.now(), values: new Map(samples.map((s) => [keyOf(s), s.value])) });
    if (this.snapshots.length > this.keep) this.snapshots.shift();
    return samples;
  }

  /** Current samples, each counter (`_total`) with its rate per second since the oldest snapshot kept. */
  async current(): Promise<Array<Sample & { perSecond?: number }>> {
    const now = this.clock.now();
    const samples = parseExposition((await this.exposition.render('text/plain')).body);
    const base = this.snapshots.find((s) => now - s.at >= 1000);
    return samples.map((s) => {
      if (!s.name.endsWith('_total') || !base) return s;
      const before = base.values.get(keyOf(s)) ?? 0;
      return { ...s, perSecond: Math.max(0, s.value - before) / ((now - base.at) / 1000) };
    });
  }
}

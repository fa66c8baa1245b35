// Example trace ids beside the signals: writers (spanmetrics for error spans) record a few recent
// trace ids with their labels; readers (alert notifications) ask for the newest ones matching labels.
import type { Matchers } from './signals.js';

/** One recorded example. */
interface Exemplar { labels: Readonly<Record<string, string>>; traceId: string; atMs: number }

/** Bounded rings of recent trace ids, one per name (e.g. `span_errors`). */
export class ExemplarStore {
  private readonly rings = new Map<string, { items: Exemplar[]; next: number }>();

  /** @param size examples kept per name (the oldest is overwritten) */
  constructor(private readonly size = 256) {}

  /** Records one example trace id (hex) with its labels at `atMs`. */
  record(name: string, labels: Readonly<Record<string, string>>, traceId: string, atMs: number): void {
    let r = this.rings.get(name);
    if (!r) { r = { items: [], next: 0 }; this.rings.set(name, r); }
    const e = { labels, traceId, atMs };
    if (r.items.length < this.size) r.items.push(e); else r.items[r.next] = e;
    r.next = (r.next + 1) % this.size;
  }

  /** Up to `max` distinct trace ids whose labels match, recorded since `sinceMs`, newest first. */
  recent(name: string, matchers: Matchers, sinceMs: number, max: number): string[] {
    const r = this.rings.get(name);
    if (!r || max <= 0) return [];
    const out: string[] = [];
    const n = r.items.length;
    for (let k = 1; k <= n && out.length < max; k++) {
      const e = r.items[((r.next - k) % n + n) % n]!;
      if (e.atMs < sinceMs || out.includes(e.traceId)) continue;
      if (Object.entries(matchers).every(([l, want]) => {
        const v = e.labels[l] ?? '';
        return typeof want === 'string' ? v === want : new RegExp(`^(?:${want.source})$`, want.flags).test(v);
      })) out.push(e.traceId);
    }
    return out;
  }
}

// OTEP 235 adjusted count of a span from its W3C tracestate (`ot=th:<hex>`): 2^56 / (2^56 − T).

const TWO_56 = 1n << 56n;

/** The rejection threshold T from a tracestate's `ot` member, or undefined if absent or invalid. */
export function threshold(traceState: string): bigint | undefined {
  if (!traceState || !traceState.includes('th:')) return undefined;
  for (const member of traceState.split(',')) {
    const m = member.trim();
    if (!m.startsWith('ot=')) continue;
    for (const kv of m.slice(3).split(';')) {
      if (!kv.startsWith('th:')) continue;
      const hex = kv.slice(3);
      if (!/^[0-9a-f]{1,14}$/.test(hex)) return undefined;
      return BigInt('0x' + hex.padEnd(14, '0'));
    }
    return undefined;
  }
  return undefined;
}

/**
 * The weight a span counts for: 1/p = 2^56 / (2^56 − T) when the tracestate carries `ot=th:`,
 * else 1. Exact (a power of two) when 2^56 − T is one, e.g. `th:c` → 4, `th:8` → 2.
 */
export function adjustedCount(traceState: string): number {
  const t = threshold(traceState);
  if (t === undefined || t === 0n) return 1;
  const d = TWO_56 - t;
  if ((d & (d - 1n)) === 0n) return 2 ** (56 - (d.toString(2).length - 1));
  return 2 ** 56 / Number(d);
}

/** A small memo in front of {@link adjustedCount}: batches repeat the same few tracestates. */
export class AdjustedCountCache {
  private readonly map = new Map<string, number>();
  get(traceState: string): number {
    if (!traceState) return 1;
    let w = this.map.get(traceState);
    if (w === undefined) {
      w = adjustedCount(traceState);
      if (this.map.size >= 256) this.map.clear();
      this.map.set(traceState, w);
    }
    return w;
  }
}

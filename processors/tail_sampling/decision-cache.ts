// Bounded memory of decided trace ids, so late spans follow the first decision. Oldest entries
// are forgotten first (insertion order).

/** What a kept trace's late spans are stamped with. */
export interface KeptDecision {
  /** The policy that kept the trace. */
  readonly policy: string;
  /** The OTEP 235 threshold it was kept at (0n: deterministic). */
  readonly threshold: bigint;
}

/**
 * A bounded map from trace key to value, in two generations: when the newer one holds half the
 * capacity, it becomes the older one and the previous older one is forgotten. It remembers at
 * least the `capacity / 2` most recent decisions and at most `capacity`, in O(1) per operation
 * (evicting one by one from the front of a Map costs a scan over its deleted entries).
 * `capacity` 0 remembers nothing.
 */
export class DecisionCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly half: number;
  constructor(private readonly capacity: number) {
    this.half = Math.max(1, Math.ceil(capacity / 2));
  }

  get size(): number { return this.young.size + this.old.size; }

  get(key: string): V | undefined {
    const v = this.young.get(key);
    return v !== undefined ? v : this.old.get(key);
  }

  set(key: string, value: V): void {
    if (this.capacity === 0) return;
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

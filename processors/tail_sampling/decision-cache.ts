// Bounded memory of decided trace ids, so late spans follow the first decision. Oldest entries
// are forgotten first (insertion order).

/** What a kept trace's late spans are stamped with. */
export interface KeptDecision {
  /** The policy that kept the trace. */
  readonly policy: string;
  /** The OTEP 235 threshold it was kept at (0n: deterministic). */
  readonly threshold: bigint;
}

/** A bounded map from trace key to value; `capacity` 0 remembers nothing. */
export class DecisionCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get size(): number { return this.map.size; }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (this.capacity === 0) return;
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}

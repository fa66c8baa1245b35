// A batch's weighted cost sums by service, kind, model and attribution value, kept in nested maps
// so the per-span path builds no key strings; flattened into cells once per batch.

/** One sum: weighted USD, weighted spans, weighted unpriced spans. */
export interface Sums { usd: number; spans: number; unpriced: number }

/** One cell of a batch's sums: attrKey '' is the row without attribution. */
export interface Cell extends Sums { service: string; kind: string; model: string; attrKey: string; attrValue: string; key: string }

/** The sums of one (service, kind, model), with one map per attribution key. */
export class Entry implements Sums {
  usd = 0;
  spans = 0;
  unpriced = 0;
  readonly attrs: Array<Map<string, Sums>>;
  constructor(readonly service: string, readonly kind: string, readonly model: string, nkeys: number) {
    this.attrs = Array.from({ length: nkeys }, () => new Map());
  }

  /** Adds one span's weighted cost; `values[k]` is its value of attribution key k. */
  add(usd: number, w: number, unpriced: number, values: readonly string[]): void {
    const x = usd * w;
    this.usd += x;
    this.spans += w;
    this.unpriced += unpriced;
    for (let k = 0; k < this.attrs.length; k++) {
      const m = this.attrs[k]!;
      const v = values[k]!;
      const s = m.get(v);
      if (s) { s.usd += x; s.spans += w; s.unpriced += unpriced; } else m.set(v, { usd: x, spans: w, unpriced });
    }
  }
}

/** Sums of one batch. */
export class BatchSums {
  private readonly byService = new Map<string, Map<string, Entry>>();

  constructor(private readonly keys: readonly string[]) {}

  /** The entry of (service, kind, model); callers cache it where they can (per resource). */
  entry(service: string, kind: string, model: string): Entry {
    let m = this.byService.get(service);
    if (!m) { m = new Map(); this.byService.set(service, m); }
    const k = model ? `${kind}\u0000${model}` : kind;
    let e = m.get(k);
    if (!e) { e = new Entry(service, kind, model, this.keys.length); m.set(k, e); }
    return e;
  }

  /** Every cell: the entry's own row, then one per attribution key and value. */
  cells(): Cell[] {
    const out: Cell[] = [];
    for (const m of this.byService.values()) {
      for (const e of m.values()) {
        const base = `${e.service}\u0000${e.kind}\u0000${e.model}`;
        out.push({ service: e.service, kind: e.kind, model: e.model, attrKey: '', attrValue: '', key: base, usd: e.usd, spans: e.spans, unpriced: e.unpriced });
        e.attrs.forEach((vals, k) => {
          for (const [v, s] of vals) out.push({ service: e.service, kind: e.kind, model: e.model, attrKey: this.keys[k]!, attrValue: v, key: '', usd: s.usd, spans: s.spans, unpriced: s.unpriced });
        });
      }
    }
    return out;
  }
}

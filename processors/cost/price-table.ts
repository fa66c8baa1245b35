// The compiled price table: finds the entry in force for a (provider, model, start time) and
// prices a token usage with it. Loads YAML price files with every problem named by its path.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { problemsOf, formatProblem } from '../../agent/component.js';
import { priceFileSchema, type PriceEntry, type PriceFile, type Prices } from './price-schema.js';

/** Token counts of one LLM call, as read from the span (missing counts are 0). */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
  reasoning: number;
}

interface Compiled {
  entry: PriceEntry;
  re: RegExp;
  providers: readonly string[] | undefined;
  from: number;
  /** Source rank: entries of an earlier table (the user's) beat any of a later one (the defaults). */
  rank: number;
  order: number;
}

/** Most (provider, model) pairs memoised; beyond it the memo starts over. */
const MEMO_MAX = 1024;

/** Reads and validates a price file; throws an Error listing every problem with its path. */
export function loadPriceFile(path: string): PriceFile {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new Error(`cannot read '${path}': ${(e as Error).message}`); }
  return parsePriceText(text, path);
}

/** Parses a price table's YAML text; `where` names it in errors. */
export function parsePriceText(text: string, where: string): PriceFile {
  let raw: unknown;
  try { raw = parseYaml(text); } catch (e) { throw new Error(`'${where}' is not valid YAML: ${(e as Error).message.split('\n')[0]}`); }
  const r = priceFileSchema.safeParse(raw ?? {});
  if (!r.success) throw new Error(`'${where}': ${problemsOf(r.error).map(formatProblem).join('; ')}`);
  return r.data;
}

/**
 * The model prices in force. `tables` in precedence order: a match in an earlier table wins over
 * any match in a later one; within a table the highest `priority`, then a provider-scoped entry
 * over an unscoped one, then the latest `effective_from` not after the span's start, then file order.
 */
export class PriceTable {
  private readonly entries: Compiled[] = [];
  private readonly memo = new Map<string, Compiled[]>();

  constructor(tables: ReadonlyArray<readonly PriceEntry[]>, readonly version = '') {
    let order = 0;
    tables.forEach((t, rank) => {
      for (const entry of t) {
        const src = entry.match ?? entry.model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const providers = entry.provider === undefined ? undefined : Array.isArray(entry.provider) ? entry.provider : [entry.provider];
        this.entries.push({ entry, re: new RegExp(`^(?:${src})$`, 'i'), providers, from: entry.effective_from ?? -Infinity, rank, order: order++ });
      }
    });
  }

  get size(): number { return this.entries.length; }

  /** The entry in force for this call, or undefined when the model has no price. */
  find(provider: string, model: string, startMs: number): PriceEntry | undefined {
    const key = `${provider}\u0000${model}`;
    let cands = this.memo.get(key);
    if (!cands) {
      cands = this.candidates(provider, model);
      // a `provider/model` id or an ARN ending in `/model` is tried by its last segment
      const slash = model.lastIndexOf('/');
      if (cands.length === 0 && slash >= 0) cands = this.candidates(provider, model.slice(slash + 1));
      if (this.memo.size >= MEMO_MAX) this.memo.clear();
      this.memo.set(key, cands);
    }
    for (const c of cands) if (c.from <= startMs) return c.entry;
    return undefined;
  }

  private candidates(provider: string, model: string): Compiled[] {
    const out = this.entries.filter((c) => (!c.providers || c.providers.includes(provider)) && c.re.test(model));
    return out.sort((a, b) => a.rank - b.rank || b.entry.priority - a.entry.priority
      || Number(!!b.providers) - Number(!!a.providers) || b.from - a.from || a.order - b.order);
  }
}

/** USD per 1M tokens in force for a call of `inputTotal` input tokens: the base prices, or the highest tier exceeded. */
export function pricesFor(entry: PriceEntry, inputTotal: number): Prices {
  let best: { above_input_tokens: number; prices: Prices } | undefined;
  for (const t of entry.tiers) if (inputTotal > t.above_input_tokens && (!best || t.above_input_tokens > best.above_input_tokens)) best = t;
  return best ? { ...entry.prices, ...best.prices } : entry.prices;
}

/** Rounds to 1e-12 USD, so a cost equals the decimal it stands for. */
export function roundUsd(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

/**
 * The USD cost of one call. Cached input is priced once: with `input_includes_cache` (the GenAI
 * conventions) the cache reads and writes are taken out of `input` and priced at their own rates;
 * when they exceed `input` the sender evidently reported them apart (Anthropic's API does). Reasoning
 * tokens are a part of `output` likewise, unless they exceed it. A missing cache price is the input
 * price, a missing reasoning price the output price.
 */
export function llmCost(entry: PriceEntry, u: Usage): number {
  const cached = u.cacheRead + u.cacheCreation;
  const included = entry.input_includes_cache && cached <= u.input;
  const uncached = included ? u.input - cached : u.input;
  const p = pricesFor(entry, included ? u.input : u.input + cached);
  const pin = p.input ?? 0;
  const pout = p.output ?? 0;
  const plainOut = u.reasoning <= u.output ? u.output - u.reasoning : u.output;
  const total = uncached * pin + u.cacheRead * (p.cache_read ?? pin) + u.cacheCreation * (p.cache_creation ?? pin)
    + plainOut * pout + u.reasoning * (p.reasoning ?? pout);
  return roundUsd(total / 1e6);
}

// Property-based tests (fast-check) of the price-table loader: arbitrary text and price-file-like trees
// load or fail with the documented error (naming the file); what loads compiles and prices without a throw.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fuzz } from '../../test/kit/fuzz.js';
import { priceEntrySchema } from './price-schema.js';
import { llmCost, parsePriceText, PriceTable, roundUsd, type Usage } from './price-table.js';

const WHERE = 'prices.yaml';

/** Parses, compiles and prices; an Error whose message names the file is the only throw allowed. */
function loadAndUse(text: string, provider: string, model: string, at: number): void {
  let file;
  try {
    file = parsePriceText(text, WHERE);
  } catch (err) {
    if (err instanceof Error && err.constructor === Error && err.message.startsWith(`'${WHERE}'`)) return;
    throw new Error(`not the documented price-file error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
  const table = new PriceTable([file.models]);
  const entry = table.find(provider, model, at);
  if (entry) expect(Number.isFinite(llmCost(entry, { input: 1000, output: 1000, cacheRead: 10, cacheCreation: 10, reasoning: 10 }))).toBe(true);
}

const KEYS = ['date', 'source', 'models', 'model', 'match', 'provider', 'priority', 'effective_from', 'input_includes_cache', 'prices', 'input',
  'output', 'cache_read', 'cache_creation', 'reasoning', 'tiers', 'above_input_tokens', '__proto__', 'constructor'];
const scalar = fc.oneof(
  fc.constantFrom('gpt-4o', 'gpt-4o(-mini)?', '(', '\\', '[a-', '.*', 'openai', '2025-06-01', 'not a date', '1e3', '-1', 'NaN'),
  fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 5 })), tie('tree'), { maxKeys: 5 }),
  ),
}));

const usd = fc.double({ min: 0, max: 1000, noNaN: true });
const asciiModel = fc.stringMatching(/^[a-z][a-z0-9.\-_:/]{0,20}$/);
const validEntry = fc.record({
  model: asciiModel,
  provider: fc.option(fc.constantFrom('openai', 'anthropic', ['openai', 'azure']), { nil: undefined }),
  priority: fc.integer({ min: -5, max: 5 }),
  input_includes_cache: fc.boolean(),
  prices: fc.record({ input: usd, output: usd, cache_read: fc.option(usd, { nil: undefined }), reasoning: fc.option(usd, { nil: undefined }) }),
  tiers: fc.array(fc.record({ above_input_tokens: fc.nat(1_000_000), prices: fc.record({ input: usd }) }), { maxLength: 2 }),
}, { requiredKeys: ['model', 'prices'] });
const count = fc.nat(10_000_000);
const usage: fc.Arbitrary<Usage> = fc.record({ input: count, output: count, cacheRead: count, cacheCreation: count, reasoning: count });

// the yaml library reports odd-but-parseable input as process warnings; thousands of them would flood the output
beforeAll(() => { vi.spyOn(process, 'emitWarning').mockImplementation(() => {}); });

describe('price-table loader (fast-check)', () => {
  it('arbitrary text: a price file, or an Error naming the file; what loads compiles and prices', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), (text, provider, model) => {
      loadAndUse(text, provider, model, 0);
    }), fuzz(1500));
  });

  it('arbitrary price-file-like trees as YAML: a price file, or an Error naming the file', () => {
    fc.assert(fc.property(tree, fc.constantFrom('openai', 'anthropic', ''), fc.constantFrom('gpt-4o', 'gpt-4o-mini', '(', ''), fc.integer(), (t, provider, model, at) => {
      let text: string;
      try { text = stringify(t); } catch { return; } // not representable as YAML (e.g. a cycle-free but unsupported value)
      loadAndUse(text, provider, model, at);
      loadAndUse(stringify({ models: [t] }), provider, model, at);
    }), fuzz(1500));
  });

  it('valid entries: a one-entry table finds its model in any letter case; costs are finite, non-negative and exact without tiers or cache', () => {
    fc.assert(fc.property(validEntry, usage, (raw, u) => {
      const entry = priceEntrySchema.parse(raw);
      const provider = entry.provider === undefined ? 'any' : Array.isArray(entry.provider) ? entry.provider[0]! : entry.provider;
      const table = new PriceTable([[entry]]);
      expect(table.find(provider, entry.model, 0)).toBe(entry);
      expect(table.find(provider, entry.model.toUpperCase(), 0)).toBe(entry);
      const cost = llmCost(entry, u);
      expect(Number.isFinite(cost) && cost >= 0).toBe(true);
      if (entry.tiers.length === 0) {
        const plain = { input: u.input, output: u.output, cacheRead: 0, cacheCreation: 0, reasoning: 0 };
        expect(llmCost(entry, plain)).toBe(roundUsd((u.input * entry.prices.input! + u.output * entry.prices.output!) / 1e6));
      }
    }), fuzz(1500));
  });
});

// Price table: exact costs for token mixes, tiers, regex priority, provider scoping, effective_from,
// the shipped defaults, and every problem of a bad file named by its path.
import { describe, expect, test } from 'vitest';
import { priceEntrySchema, type PriceEntryInput } from './price-schema.js';
import { llmCost, loadPriceFile, parsePriceText, PriceTable, type Usage } from './price-table.js';
import { DEFAULT_PRICES_PATH } from './price-source.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import * as f from '../../test/fixtures/prometheus/otlp.js';
import { spanSize } from './span-size.js';

const entries = (xs: PriceEntryInput[]) => xs.map((x) => priceEntrySchema.parse(x));
const usage = (u: Partial<Usage>): Usage => ({ input: 0, output: 0, cacheRead: 0, cacheCreation: 0, reasoning: 0, ...u });
const day = (s: string) => Date.parse(s);
const defaults = () => new PriceTable([loadPriceFile(DEFAULT_PRICES_PATH).models]);

describe('llm cost', () => {
  const e = entries([{ model: 'm', prices: { input: 2, output: 8, cache_read: 0.5, cache_creation: 2.5, reasoning: 10 } }])[0]!;

  test('cached tokens inside input_tokens are priced once, at their own rates; reasoning inside output likewise', () => {
    // 5,000 uncached × 2 + 4,000 read × 0.5 + 1,000 written × 2.5 + 2,000 plain output × 8 + 1,000 reasoning × 10 = 40,500 per 1M
    expect(llmCost(e, usage({ input: 10_000, cacheRead: 4_000, cacheCreation: 1_000, output: 3_000, reasoning: 1_000 }))).toBe(0.0405);
  });

  test('cache counts larger than input_tokens are read as reported apart (Anthropic API style), not subtracted', () => {
    // claude-sonnet-4-5: 1,000 × 3 + 5,000 × 0.3 + 2,000 × 3.75 + 100 × 15 = 13,500 per 1M
    const entry = defaults().find('anthropic', 'claude-sonnet-4-5-20250929', day('2025-12-01'))!;
    expect(llmCost(entry, usage({ input: 1_000, cacheRead: 5_000, cacheCreation: 2_000, output: 100 }))).toBe(0.0135);
  });

  test('input_includes_cache: false adds the cache counts to the input', () => {
    const ex = entries([{ model: 'x', input_includes_cache: false, prices: { input: 2, output: 8, cache_read: 0.5 } }])[0]!;
    // 1,000 × 2 + 500 × 0.5 = 2,250 per 1M
    expect(llmCost(ex, usage({ input: 1_000, cacheRead: 500 }))).toBe(0.00225);
  });

  test('missing cache and reasoning prices fall back to input and output prices (never free)', () => {
    const ex = entries([{ model: 'x', prices: { input: 1, output: 4 } }])[0]!;
    // 600 × 1 + 400 × 1 + 100 × 4 + 100 × 4 = 1,800 per 1M
    expect(llmCost(ex, usage({ input: 1_000, cacheRead: 400, output: 200, reasoning: 100 }))).toBe(0.0018);
  });

  test('tiers: above 200k input tokens the tier prices apply; at exactly 200k the base ones', () => {
    const gemini = defaults().find('gcp.gemini', 'gemini-2.5-pro', day('2025-12-01'))!;
    expect(llmCost(gemini, usage({ input: 250_000, output: 1_000 }))).toBe(0.64); // 250k × 2.5 + 1k × 15
    expect(llmCost(gemini, usage({ input: 200_000, output: 1_000 }))).toBe(0.26); // 200k × 1.25 + 1k × 10
    const tiered = entries([{ model: 't', prices: { input: 1, output: 1 }, tiers: [{ above_input_tokens: 10, prices: { input: 2 } }, { above_input_tokens: 100, prices: { input: 3 } }] }])[0]!;
    expect(llmCost(tiered, usage({ input: 1_000_000 }))).toBe(3);
    expect(llmCost(tiered, usage({ input: 50, output: 1_000_000 - 50 }))).toBe(1.00005); // tier 2 on input only, output keeps base
  });
});

describe('price lookup', () => {
  test('anchored regex, highest priority wins', () => {
    const t = new PriceTable([entries([
      { model: 'acme', match: 'acme-.*', prices: { input: 1 } },
      { model: 'acme-pro', match: 'acme-pro.*', priority: 5, prices: { input: 10 } },
    ])]);
    expect(t.find('', 'acme-pro-2', 0)?.model).toBe('acme-pro');
    expect(t.find('', 'ACME-lite', 0)?.model).toBe('acme');
    expect(t.find('', 'x-acme-pro', 0)).toBeUndefined();
    expect(t.find('', 'acme', 0)).toBeUndefined();
  });

  test('provider scoping: a scoped entry applies to its provider only and beats an unscoped one', () => {
    const t = new PriceTable([entries([
      { model: 'llama', match: 'llama-3.*', prices: { input: 1 } },
      { model: 'llama-groq', match: 'llama-3.*', provider: ['groq', 'x_ai'], prices: { input: 0.5 } },
      { model: 'only-bedrock', provider: 'aws.bedrock', prices: { input: 7 } },
    ])]);
    expect(t.find('groq', 'llama-3.3-70b', 0)?.model).toBe('llama-groq');
    expect(t.find('openai', 'llama-3.3-70b', 0)?.model).toBe('llama');
    expect(t.find('aws.bedrock', 'only-bedrock', 0)?.model).toBe('only-bedrock');
    expect(t.find('openai', 'only-bedrock', 0)).toBeUndefined();
  });

  test('effective_from: the entry in force at the span start', () => {
    const t = new PriceTable([entries([
      { model: 'old', match: 'm', prices: { input: 4 } },
      { model: 'jan', match: 'm', effective_from: '2025-01-01', prices: { input: 2 } },
      { model: 'jun', match: 'm', effective_from: '2025-06-01T12:00:00Z', prices: { input: 1 } },
    ])]);
    expect(t.find('', 'm', day('2024-12-31T23:59:59Z'))?.model).toBe('old');
    expect(t.find('', 'm', day('2025-01-01T00:00:00Z'))?.model).toBe('jan');
    expect(t.find('', 'm', day('2025-06-01T11:59:59Z'))?.model).toBe('jan');
    expect(t.find('', 'm', day('2025-06-01T12:00:00Z'))?.model).toBe('jun');
  });

  test('an earlier table (the user\'s) beats a later one (the defaults) whatever the priority', () => {
    const t = new PriceTable([entries([{ model: 'mine', match: 'gpt-4o', prices: { input: 1 } }]), loadPriceFile(DEFAULT_PRICES_PATH).models]);
    expect(t.find('openai', 'gpt-4o', 0)?.model).toBe('mine');
    expect(t.find('openai', 'gpt-4o-mini', 0)?.model).toBe('gpt-4o-mini');
  });

  test('the default table has its date and prices common ids, provider prefixes, Bedrock ids and ARNs', () => {
    const file = loadPriceFile(DEFAULT_PRICES_PATH);
    expect(file.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const t = defaults();
    const at = day('2025-12-01');
    expect(t.find('openai', 'gpt-4o-2024-08-06', at)?.model).toBe('gpt-4o');
    expect(t.find('openai', 'openai/gpt-4o', at)?.model).toBe('gpt-4o');
    expect(t.find('aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', at)?.model).toBe('claude-sonnet-4-5');
    expect(t.find('aws.bedrock', 'arn:aws:bedrock:us-east-1:123:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0', at)?.model).toBe('claude-haiku-4-5');
    expect(t.find('openai', 'o3', day('2025-06-09'))?.prices.input).toBe(10);
    expect(t.find('openai', 'o3', day('2025-06-10'))?.prices.input).toBe(2);
    expect(t.find('openai', 'gpt-99-turbo', at)).toBeUndefined();
  });
});

describe('price files', () => {
  test('every problem is named by its path', () => {
    const text = 'models:\n  - { model: a, prices: { input: -1 } }\n  - { model: b, match: "(", prices: { output: 1 } }\n  - { model: c, prices: {} , extra: 1 }\n';
    let msg = '';
    try { parsePriceText(text, 'p.yaml'); } catch (e) { msg = (e as Error).message; }
    expect(msg).toContain("'p.yaml': ");
    expect(msg).toContain('models.0.prices.input: must be at least 0, got -1');
    expect(msg).toContain('models.1.match: not a valid regular expression');
    expect(msg).toContain('models.2.extra: unknown key');
    expect(msg).toContain('models.2.prices: give at least an input or an output price');
  });

  test('invalid YAML is named as such', () => {
    expect(() => parsePriceText('models: [ {', 'q.yaml')).toThrow(/'q.yaml' is not valid YAML/);
  });
});

describe('span size estimate', () => {
  test('equals the protobuf encoding of a span inside its ScopeSpans', () => {
    const s = f.span({ name: 'POST /v1/chat', traceState: 'ot=th:c', parentSpanId: new Uint8Array(8).fill(3), status: { code: 2, message: 'boom' },
      attributes: f.kv({ 'http.route': '/v1/chat', n: 42n, big: 1n << 40n, d: 1.5, b: true, arr: ['a', 'b'] }),
      events: [{ name: 'e', timeUnixNano: f.T0, attributes: f.kv({ k: 'v' }), droppedAttributesCount: 0 }] });
    const one = encodeTracesRequest(f.traces({ 'service.name': 'a' }, [s])).length;
    const two = encodeTracesRequest(f.traces({ 'service.name': 'a' }, [s, s])).length;
    expect(spanSize(s)).toBe(two - one);
  });
});

// The cost processor: exact span attributes and series for LLM, compute and ingest costs, old
// attribute names, unknown models, app-set costs, head-sampled spans, attribution overflow.
import { describe, expect, test } from 'vitest';
import { attr, llmSpan, S, setupCost, span, T0, traces } from '../../test/kit/cost.js';
import { attributesSize, spanSize } from './span-size.js';

const f = { traces, span, S, T0, resource: (o: Record<string, string>) => ({ attributes: Object.entries(o).map(([key, value]) => ({ key, value })), droppedAttributesCount: 0 }) };
const NO_COMPUTE = { compute: { enabled: false } };

describe('cost: LLM', () => {
  test('a GenAI span gets gen_ai.usage.cost, outrider.cost.usd and outrider.cost.kind; the series has the exact USD', async () => {
    const { proc, lines } = setupCost(NO_COMPUTE);
    // gpt-4o: 600 uncached × 2.5 + 400 cache reads × 1.25 + 200 output × 10 = 4,000 per 1M
    const s = llmSpan({ 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1000n, 'gen_ai.usage.cache_read.input_tokens': 400n, 'gen_ai.usage.output_tokens': 200n });
    await proc.consume(f.traces({ 'service.name': 'chat' }, [s]));
    expect(attr(s, 'gen_ai.usage.cost')).toBe(0.004);
    expect(attr(s, 'outrider.cost.usd')).toBe(0.004);
    expect(attr(s, 'outrider.cost.kind')).toBe('llm');
    expect(attr(s, 'outrider.cost.unpriced')).toBeUndefined();
    expect(await lines('outrider_cost_usd_total')).toEqual(['outrider_cost_usd_total{service_name="chat",kind="llm",model="gpt-4o-2024-08-06"} 0.004']);
  });

  test('older names: gen_ai.system, gen_ai.usage.prompt_tokens / completion_tokens', async () => {
    const { proc } = setupCost(NO_COMPUTE);
    // gpt-4o-mini: 1,000 × 0.15 + 500 × 0.6 = 450 per 1M
    const s = llmSpan({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.prompt_tokens': 1000, 'gen_ai.usage.completion_tokens': '500' });
    await proc.consume(f.traces({ 'service.name': 'chat' }, [s]));
    expect(attr(s, 'gen_ai.usage.cost')).toBe(0.00045);
  });

  test('provider scoping reads gen_ai.provider.name before gen_ai.system', async () => {
    const prices = [{ model: 'any', match: 'm', prices: { input: 1 } }, { model: 'groq', match: 'm', provider: 'groq', prices: { input: 2 } }];
    const { proc } = setupCost({ ...NO_COMPUTE, llm: { prices, include_defaults: false } });
    const s = llmSpan({ 'gen_ai.provider.name': 'groq', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 500_000 });
    await proc.consume(f.traces({ 'service.name': 'chat' }, [s]));
    expect(attr(s, 'gen_ai.usage.cost')).toBe(1);
  });

  test('an unknown model is flagged and counted, never priced at 0', async () => {
    const { proc, lines } = setupCost({ compute: { cpu_core_hour_usd: 3.6 } });
    const s = llmSpan({ 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'mystery-9', 'gen_ai.usage.input_tokens': 10 }, { kind: 2, endTimeUnixNano: f.T0 + f.S });
    await proc.consume(f.traces({ 'service.name': 'chat' }, [s, llmSpan({ 'gen_ai.request.model': 'mystery-9', 'gen_ai.usage.output_tokens': 1 })]));
    expect(attr(s, 'outrider.cost.unpriced')).toBe(true);
    expect(attr(s, 'gen_ai.usage.cost')).toBeUndefined();
    // the compute part is known: 1 s × 3.6 USD/core-hour × 1 core
    expect(attr(s, 'outrider.cost.usd')).toBe(0.001);
    expect(attr(s, 'outrider.cost.kind')).toBe('compute');
    expect(await lines('outrider_cost_unpriced_spans_total')).toEqual(['outrider_cost_unpriced_spans_total{service_name="chat",model="mystery-9"} 2']);
    expect(await lines('outrider_cost_usd_total')).toEqual(['outrider_cost_usd_total{service_name="chat",kind="compute"} 0.001']);
  });

  test('a cost the app already set wins and is not recomputed', async () => {
    const { proc, lines } = setupCost(NO_COMPUTE);
    const s = llmSpan({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.cost': 0.5 });
    await proc.consume(f.traces({ 'service.name': 'chat' }, [s]));
    expect(s.attributes.filter((a) => a.key === 'gen_ai.usage.cost').map((a) => a.value)).toEqual([0.5]);
    expect(attr(s, 'outrider.cost.usd')).toBe(0.5);
    expect(await lines('outrider_cost_usd_total')).toEqual(['outrider_cost_usd_total{service_name="chat",kind="llm",model="gpt-4o"} 0.5']);
  });

  test('head-sampled spans (ot=th:c, 25 %) count ×4 in the series, not in the span attribute', async () => {
    const { proc, lines, settings } = setupCost({ ...NO_COMPUTE, llm: { prices: [{ model: 'm', prices: { input: 1000 } }] } });
    const spans = [0, 1].map(() => llmSpan({ 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 250 }, { traceState: 'ot=th:c' }));
    await proc.consume(f.traces({ 'service.name': 'chat' }, spans));
    expect(spans.map((s) => attr(s, 'gen_ai.usage.cost'))).toEqual([0.25, 0.25]);
    expect(await lines('outrider_cost_usd_total')).toEqual(['outrider_cost_usd_total{service_name="chat",kind="llm",model="m"} 2']);
    expect(settings.signals.increase('cost_usd', { service_name: 'chat', kind: 'llm' }, 60_000)).toBe(2);
  });

  test('a span an upstream agent already tagged is left alone and not counted again', async () => {
    const { proc, lines } = setupCost({ compute: { cpu_core_hour_usd: 3.6 } });
    const s = llmSpan({ 'outrider.cost.usd': 0.2, 'outrider.cost.kind': 'compute' }, { kind: 2 });
    await proc.consume(f.traces({ 'service.name': 'chat' }, [s]));
    expect(s.attributes).toHaveLength(2);
    expect(await lines('outrider_cost_usd_total')).toEqual([]);
  });
});

describe('cost: compute and ingest', () => {
  test('SERVER and CONSUMER spans pay duration × rate × cores, with per-service overrides; CLIENT spans do not', async () => {
    const { proc, lines } = setupCost({ compute: { cpu_core_hour_usd: 3.6, cores: 1, services: { batch: { cores: 2 } } } });
    const mk = (kind: number) => f.span({ name: 'op', kind, endTimeUnixNano: f.T0 + f.S });
    const web = [mk(2), mk(5), mk(3), mk(1)];
    const batch = [mk(2)];
    const td = f.traces({ 'service.name': 'web' }, web);
    td.resourceSpans.push(...f.traces({ 'service.name': 'batch' }, batch).resourceSpans);
    await proc.consume(td);
    expect(web.map((s) => attr(s, 'outrider.cost.usd'))).toEqual([0.001, 0.001, undefined, undefined]);
    expect(attr(batch[0]!, 'outrider.cost.usd')).toBe(0.002);
    expect(await lines('outrider_cost_usd_total')).toEqual([
      'outrider_cost_usd_total{service_name="web",kind="compute"} 0.002',
      'outrider_cost_usd_total{service_name="batch",kind="compute"} 0.002',
    ]);
  });

  test('ingest: bytes as received (span plus its share of the resource) × the destinations\' USD per GB', async () => {
    const { proc } = setupCost({ compute: { enabled: false }, ingest: { destinations: [{ name: 'jaeger', usd_per_gb: 250_000 }, { name: 'vendor', usd_per_gb: 750_000 }] } });
    const spans = [f.span({ name: 'a', kind: 1 }), f.span({ name: 'bb', kind: 1 })];
    const td = f.traces({ 'service.name': 'web' }, spans);
    const bytes = spans.map((s) => spanSize(s) + attributesSize(td.resourceSpans[0]!.resource!.attributes) / 2);
    await proc.consume(td);
    // 1,000,000 USD per GB = 0.001 USD per byte
    expect(spans.map((s) => attr(s, 'outrider.cost.usd'))).toEqual(bytes.map((b) => Math.round(b * 1e9) / 1e12));
    expect(spans.map((s) => attr(s, 'outrider.cost.kind'))).toEqual(['ingest', 'ingest']);
  });

  test('kinds add up on one span: llm,compute,ingest', async () => {
    const { proc } = setupCost({ compute: { cpu_core_hour_usd: 3.6 }, ingest: { destinations: [{ name: 'x', usd_per_gb: 1 }] }, llm: { prices: [{ model: 'm', prices: { input: 1000 } }] } });
    const s = llmSpan({ 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 250 }, { kind: 2, endTimeUnixNano: f.T0 + f.S });
    const before = spanSize(s) + attributesSize(f.resource({ 'service.name': 'a' }).attributes);
    await proc.consume(f.traces({ 'service.name': 'a' }, [s]));
    expect(attr(s, 'outrider.cost.kind')).toBe('llm,compute,ingest');
    expect(attr(s, 'outrider.cost.usd')).toBe(Math.round((0.25 + 0.001 + before / 1e9) * 1e12) / 1e12);
  });
});

// Reads what the cost processor needs from a span's attributes in one pass: the GenAI provider,
// model and token usage (current and older convention names) and any cost already set.
import type { AnyValue, KeyValue } from '../../agent/pdata/model.js';
import type { Usage } from './price-table.js';

/** What one span says about its LLM call and its cost. */
export interface SpanFacts {
  provider: string;
  model: string;
  /** Whether any token count was present. */
  hasUsage: boolean;
  usage: Usage;
  /** `gen_ai.usage.cost` (or `llm.cost.total`, `gen_ai.cost.total_cost`) as the app set it. */
  appCost: number | undefined;
  /** Whether an upstream agent already tagged the span (`outrider.cost.usd`). */
  tagged: boolean;
}

function asNumber(v: AnyValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') { const n = Number(v); return Number.isFinite(n) ? n : undefined; }
  return undefined;
}

/** Fills `out` (reused across spans) from the attributes; returns it. */
export function readFacts(attrs: readonly KeyValue[], out: SpanFacts): SpanFacts {
  let provider = '', system = '', response = '', request = '';
  let input: number | undefined, prompt: number | undefined, output: number | undefined, completion: number | undefined;
  let cacheRead: number | undefined, cacheCreation: number | undefined, reasoning: number | undefined;
  let appCost: number | undefined;
  let tagged = false;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    const k = a.key;
    const c = k.charCodeAt(0);
    if (c !== 103 /* g */ && c !== 111 /* o */ && c !== 108 /* l */) continue;
    switch (k) {
      case 'gen_ai.provider.name': provider = String(a.value); break;
      case 'gen_ai.system': system = String(a.value); break;
      case 'gen_ai.response.model': response = String(a.value); break;
      case 'gen_ai.request.model': request = String(a.value); break;
      case 'gen_ai.usage.input_tokens': input = asNumber(a.value); break;
      case 'gen_ai.usage.prompt_tokens': prompt = asNumber(a.value); break;
      case 'gen_ai.usage.output_tokens': output = asNumber(a.value); break;
      case 'gen_ai.usage.completion_tokens': completion = asNumber(a.value); break;
      case 'gen_ai.usage.cache_read.input_tokens':
      case 'gen_ai.usage.cache_read_input_tokens': cacheRead = asNumber(a.value); break;
      case 'gen_ai.usage.cache_creation.input_tokens':
      case 'gen_ai.usage.cache_write.input_tokens':
      case 'gen_ai.usage.cache_creation_input_tokens': cacheCreation = asNumber(a.value); break;
      case 'gen_ai.usage.reasoning.output_tokens': reasoning = asNumber(a.value); break;
      case 'gen_ai.usage.cost':
      case 'gen_ai.cost.total_cost':
      case 'llm.cost.total': appCost ??= asNumber(a.value); break;
      case 'outrider.cost.usd': tagged = true; break;
    }
  }
  out.provider = provider || system;
  out.model = response || request;
  const inTok = input ?? prompt;
  const outTok = output ?? completion;
  out.hasUsage = inTok !== undefined || outTok !== undefined || cacheRead !== undefined || cacheCreation !== undefined || reasoning !== undefined;
  const u = out.usage;
  u.input = inTok ?? 0;
  u.output = outTok ?? 0;
  u.cacheRead = cacheRead ?? 0;
  u.cacheCreation = cacheCreation ?? 0;
  u.reasoning = reasoning ?? 0;
  out.appCost = appCost;
  out.tagged = tagged;
  return out;
}

/** A fresh facts record to reuse. */
export function newFacts(): SpanFacts {
  return { provider: '', model: '', hasUsage: false, usage: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0, reasoning: 0 }, appCost: undefined, tagged: false };
}

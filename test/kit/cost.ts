// Helpers for the cost processor's tests: a processor on test settings, GenAI spans, attribute reads.
import type { AnyValue, Span, TracesData } from '../../agent/pdata/model.js';
import { costProcessorFactory } from '../../processors/cost/index.js';
import type { CostProcessor } from '../../processors/cost/cost.js';
import { testSettings, type TestSettings } from './settings.js';

export const T0 = 1_700_000_000_000_000_000n; // ns
export const S = 1_000_000_000n; // one second in ns

/** A span (SERVER, 5 ms, at T0) with the given fields. */
export function span(p: Partial<Span> & { name: string }): Span {
  return {
    traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), traceState: '', parentSpanId: new Uint8Array(0),
    flags: 1, kind: 2, startTimeUnixNano: T0, endTimeUnixNano: T0 + 5_000_000n, attributes: [], droppedAttributesCount: 0,
    events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { message: '', code: 0 }, ...p,
  };
}

/** A CLIENT span named `chat` with these attributes. */
export function llmSpan(a: Record<string, AnyValue>, p: Partial<Span> = {}): Span {
  return span({ name: 'chat', kind: 3, attributes: Object.entries(a).map(([key, value]) => ({ key, value })), ...p });
}

/** One resource with these attributes and spans. */
export function traces(res: Record<string, AnyValue>, spans: Span[]): TracesData {
  const attributes = Object.entries(res).map(([key, value]) => ({ key, value }));
  return { resourceSpans: [{ resource: { attributes, droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [{ scope: null, spans, schemaUrl: '' }] }] };
}

/** The value of a span attribute. */
export const attr = (s: Span, key: string): AnyValue | undefined => s.attributes.find((a) => a.key === key)?.value;

/** A cost processor on (by default fresh) test settings, started, with a sink downstream. */
export function setupCost(cfg: object = {}, settings: TestSettings = testSettings('cost')) {
  const got: TracesData[] = [];
  const next = { consume: async (d: TracesData) => { got.push(d); } };
  const proc = costProcessorFactory.create.traces!(settings, costProcessorFactory.parse(cfg), next) as CostProcessor;
  const started = proc.start(settings.host);
  const lines = async (prefix: string) => (await settings.render()).split('\n').filter((l) => l.startsWith(prefix));
  return { proc, got, settings, started, lines };
}

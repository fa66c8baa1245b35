// Small generators of model data for tests: spans with unique, checkable ids.
import { randomBytes } from 'node:crypto';
import type { Span, TracesData } from '../../agent/pdata/model.js';

/** A span with random ids and the given name; times around now. */
export function makeSpan(name: string, extra: Partial<Span> = {}): Span {
  const start = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: randomBytes(16), spanId: randomBytes(8), traceState: '', parentSpanId: new Uint8Array(0), flags: 1,
    name, kind: 2, startTimeUnixNano: start, endTimeUnixNano: start + 1_500_000n,
    attributes: [{ key: 'http.route', value: '/cart' }, { key: 'http.response.status_code', value: 200n }],
    droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...extra,
  };
}

/** One resource, one scope, `n` spans named `${prefix}-${i}`. */
export function makeTraces(n: number, prefix = 'span', service = 'checkout'): TracesData {
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) spans.push(makeSpan(`${prefix}-${i}`));
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: service }], droppedAttributesCount: 0 },
      scopeSpans: [{ scope: { name: 'test', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
      schemaUrl: '',
    }],
  };
}

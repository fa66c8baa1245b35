// LazySpans: spans held encoded are written out without being decoded, carry what the samplers set
// on them, decode on first read, and always encode as the span they stand for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as arb from '../../test/kit/pdata-arbitraries.js';
import { fuzz } from '../../test/kit/fuzz.js';
import { ThresholdWriter } from '../sampling/record.js';
import { cloneData, LazySpan, lazySpansOf } from './lazy-span.js';
import type { Span, TracesData } from './model.js';
import { decodeTracesRequest } from './proto-decode.js';
import { encodeSpanGroup, encodeTracesRequest } from './proto-encode.js';
import { ProtoWriter } from './proto-writer.js';
import { forgetRaw, setSpanAttribute, setTraceState, traceStateOf } from './span-edit.js';

function span(name: string, traceState = '', attrs: Record<string, string> = {}): Span {
  return {
    traceId: new Uint8Array(16).fill(7), spanId: new Uint8Array(8).fill(9), traceState, parentSpanId: new Uint8Array(0), flags: 0, name, kind: 2,
    startTimeUnixNano: 10n, endTimeUnixNano: 20n, attributes: Object.entries(attrs).map(([key, value]) => ({ key, value })),
    droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { message: '', code: 2 },
  };
}

/** `spans` held as the tail sampler holds them, and handed back as LazySpans. */
function lazies(spans: Span[]): Span[] {
  const out: Span[] = [];
  lazySpansOf(encodeSpanGroup(new ProtoWriter(), spans), out);
  return out;
}

const batch = (spans: Span[]): TracesData => ({ resourceSpans: [{ resource: null, schemaUrl: '', scopeSpans: [{ scope: null, schemaUrl: '', spans }] }] });
const sent = (spans: Span[]): Span[] => decodeTracesRequest(encodeTracesRequest(batch(spans))).resourceSpans[0]!.scopeSpans[0]!.spans;

describe('LazySpan', () => {
  it('is written out as its bytes without being decoded, with the sampling decision stamped on it', () => {
    const [a, b] = lazies([span('GET /a', 'vendor=x', { 'http.route': '/a' }), span('GET /b')]);
    new ThresholdWriter().stamp(a!, 1n << 55n, 'errors');
    const out = sent([a!, b!]);
    expect(LazySpan.isPending(a!)).toBe(true);
    expect(LazySpan.isPending(b!)).toBe(true);
    expect(out[0]!.name).toBe('GET /a');
    expect(out[0]!.traceState).toBe('ot=th:8,vendor=x');
    expect(out[0]!.attributes).toEqual([
      { key: 'http.route', value: '/a' }, { key: 'outrider.sampling.adjusted_count', value: 2 }, { key: 'outrider.sampling.policy', value: 'errors' },
    ]);
    expect(out[1]).toEqual(span('GET /b'));
  });

  it('decodes on first read and then behaves as the decoded span, changes included', () => {
    const [a] = lazies([span('GET /a', '', { 'outrider.sampling.policy': 'upstream' })]);
    expect(traceStateOf(a!)).toBe('');
    setTraceState(a!, 'ot=th:c');
    expect(LazySpan.isPending(a!)).toBe(true);
    // the key is in its bytes already: replaced on the decoded span, never duplicated
    setSpanAttribute(a!, 'outrider.sampling.policy', 'slow');
    expect(LazySpan.isPending(a!)).toBe(false);
    a!.name = 'renamed';
    forgetRaw(a!);
    expect(a!.traceState).toBe('ot=th:c');
    const out = sent([a!])[0]!;
    expect(out).toEqual({ ...span('renamed', 'ot=th:c'), attributes: [{ key: 'outrider.sampling.policy', value: 'slow' }] });
    expect(a).toEqual(out);
  });

  it('a copy for a consumer that changes data is a real copy; JSON holds the decoded fields', () => {
    const spans = lazies([span('GET /a')]);
    const td = batch(spans);
    const copy = cloneData(td);
    copy.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'changed';
    expect(td.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name).toBe('GET /a');
    expect(JSON.parse(JSON.stringify(lazies([span('GET /j')])[0]!, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).name).toBe('GET /j');
  });

  it('for any spans and any sequence of samplers\' and processors\' changes, what is sent is the span as changed', () => {
    const change = fc.oneof(
      fc.record({ op: fc.constant('stamp' as const), t: fc.bigInt({ min: 0n, max: (1n << 56n) - 1n }), policy: fc.constantFrom('errors', 'slow') }),
      fc.record({ op: fc.constant('own' as const), key: fc.constantFrom('outrider.sampling.policy', 'outrider.slo.bad', 'outrider.x'), value: arb.text }),
      fc.record({ op: fc.constant('read' as const) }),
      fc.record({ op: fc.constant('rename' as const), value: arb.text }),
      fc.record({ op: fc.constant('push' as const), key: arb.text, value: arb.anyValue }),
    );
    fc.assert(fc.property(arb.traces, fc.array(change, { maxLength: 5 }), (td, changes) => {
      const originals = decodeTracesRequest(encodeTracesRequest(td)).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      if (originals.length === 0) return;
      const lazy = lazies(originals);
      const plain = originals.map((s) => ({ ...s, attributes: [...s.attributes] }));
      const writer = new ThresholdWriter();
      for (const list of [lazy, plain]) for (const s of list) for (const c of changes) {
        if (c.op === 'stamp') writer.stamp(s, c.t, c.policy);
        else if (c.op === 'own') setSpanAttribute(s, c.key, c.value);
        else if (c.op === 'read') void s.attributes.length;
        else if (c.op === 'rename') { s.name = c.value; forgetRaw(s); }
        else s.attributes.push({ key: c.key, value: c.value });
      }
      expect(sent(lazy)).toEqual(plain);
    }), fuzz(1000));
  });
});

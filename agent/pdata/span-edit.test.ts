// Spans keep their received encoding and encoders reuse it: what is sent must always be the span as
// it is now, whatever was changed through the allowed ways (appending attributes, a new trace state,
// setSpanAttribute, forgetRaw after any other change).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as arb from '../../test/kit/pdata-arbitraries.js';
import { fuzz } from '../../test/kit/fuzz.js';
import type { Span, TracesData } from './model.js';
import { decodeTracesRequest } from './proto-decode.js';
import { encodeTracesRequest } from './proto-encode.js';
import { ProtoWriter } from './proto-writer.js';
import { LazySpan } from './lazy-span.js';
import { DecodedSpan, forgetRaw, setSpanAttribute } from './span-edit.js';

/** A request of one span: name `name`, one attribute. */
function oneSpan(name: string): TracesData {
  return { resourceSpans: [{ resource: null, schemaUrl: '', scopeSpans: [{ scope: null, schemaUrl: '', spans: [
    { traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), traceState: '', parentSpanId: new Uint8Array(0), flags: 0, name, kind: 2,
      startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: [{ key: 'a', value: 'b' }], droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { message: '', code: 0 } },
  ] }] }] };
}

const spansOf = (td: TracesData): Span[] => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));

/** One change to a span, through the ways the processors use. */
const change = fc.oneof(
  fc.record({ op: fc.constant('append' as const), key: arb.text, value: arb.anyValue }),
  fc.record({ op: fc.constant('set' as const), key: arb.text, value: arb.anyValue }),
  fc.record({ op: fc.constant('setExisting' as const), at: fc.nat(), value: arb.anyValue }),
  fc.record({ op: fc.constant('traceState' as const), value: arb.text }),
  fc.record({ op: fc.constant('rename' as const), value: arb.text }),
  fc.record({ op: fc.constant('maskInPlace' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('status' as const), code: fc.integer({ min: 0, max: 2 }) }),
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function apply(span: Span, c: any): void {
  switch (c.op) {
    case 'append': span.attributes.push({ key: c.key, value: c.value }); return;
    case 'set': setSpanAttribute(span, c.key, c.value); return;
    case 'setExisting': if (span.attributes.length) setSpanAttribute(span, span.attributes[c.at % span.attributes.length]!.key, c.value); return;
    case 'traceState': span.traceState = c.value; return;
    case 'rename': span.name = c.value; forgetRaw(span); return;
    case 'maskInPlace': if (span.attributes.length) { span.attributes[c.at % span.attributes.length]!.value = '****'; forgetRaw(span); } return;
    case 'status': span.status = { code: c.code, message: '' }; forgetRaw(span); return;
  }
}

/**
 * `td` sent and decoded, then changed by `changes` (span i takes list i modulo their number); `plain`
 * is the same spans as plain objects, which are always encoded field by field: the reference.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function decodedAndChanged(td: TracesData, changes: any[][]): { decoded: TracesData; spans: Span[]; plain: TracesData } {
  const decoded = decodeTracesRequest(encodeTracesRequest(td));
  const spans = spansOf(decoded);
  spans.forEach((s, i) => { for (const c of changes[i % Math.max(1, changes.length)] ?? []) apply(s, c); });
  const plain: TracesData = { resourceSpans: decoded.resourceSpans.map((rs) => ({ ...rs, scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.map((s) => ({ ...s })) })) })) };
  return { decoded, spans, plain };
}

describe('spans decoded from protobuf keep their received encoding', () => {
  it('decoded spans are DecodedSpans whose encoding is invisible to keys, JSON, copies and equality', () => {
    const td = decodeTracesRequest(encodeTracesRequest(oneSpan('GET /')));
    const span = spansOf(td)[0]!;
    expect(span).toBeInstanceOf(DecodedSpan);
    expect(DecodedSpan.rawAttributes(span)).toBe(1);
    expect(Object.keys(span)).not.toContain('raw');
    expect(DecodedSpan.rawAttributes({ ...span })).toBe(-1);
    expect(DecodedSpan.rawAttributes(structuredClone(span))).toBe(-1);
  });

  it('what is encoded is the span as changed, for any spans and any allowed changes', () => {
    fc.assert(fc.property(arb.traces, fc.array(fc.array(change, { maxLength: 4 }), { maxLength: 6 }), (td, changes) => {
      const { decoded, plain } = decodedAndChanged(td, changes);
      const viaRaw = decodeTracesRequest(encodeTracesRequest(decoded));
      expect(viaRaw).toEqual(decodeTracesRequest(encodeTracesRequest(plain)));
      expect(viaRaw).toEqual(plain);
    }), fuzz(1500));
  });

  it('a span is passed on as received only while untouched: its bytes are reused, not encoded again', () => {
    // a span with its name before its trace id and an unknown field 99: only its own bytes say so
    const w = new ProtoWriter();
    w.uint32(0x0a); const mr = w.fork(); w.uint32(0x12); const ms = w.fork(); w.uint32(0x12); const m = w.fork();
    w.uint32(0x2a); w.string('GET /');
    w.uint32((99 << 3) | 0); w.uint32(7);
    w.uint32(0x0a); w.bytes(new Uint8Array(16).fill(3));
    w.ldelim(m); w.ldelim(ms); w.ldelim(mr);
    const body = w.finish();
    const decoded = decodeTracesRequest(body);
    expect(Buffer.from(encodeTracesRequest(decoded)).equals(Buffer.from(body))).toBe(true);
    const span = spansOf(decoded)[0]!;
    span.name = 'renamed';
    forgetRaw(span);
    expect(spansOf(decodeTracesRequest(encodeTracesRequest(decoded)))[0]!.name).toBe('renamed');
  });

  it('a span holding invalid UTF-8 is encoded anew (valid UTF-8 downstream), not passed on as received', () => {
    const td = oneSpan('N\u00e9');
    const body = Buffer.from(encodeTracesRequest(td));
    const at = body.indexOf(Buffer.from('N\u00e9', 'utf8'));
    body[at + 1] = 0xff; // 'N' 0xFF 0xA9: not UTF-8
    body[at + 2] = 0x41;
    const decoded = decodeTracesRequest(body);
    expect(DecodedSpan.rawAttributes(spansOf(decoded)[0]!)).toBe(-1);
    const out = Buffer.from(encodeTracesRequest(decoded));
    expect(out.includes(Buffer.from([0x4e, 0xff]))).toBe(false);
    expect(out.includes(Buffer.from('N\uFFFDA', 'utf8'))).toBe(true);
  });
  it('compacted to its encoding (what a batch holds), a changed span is still sent, read and changed further as it is', () => {
    fc.assert(fc.property(arb.traces, fc.array(fc.array(change, { maxLength: 4 }), { maxLength: 6 }), (td, changes) => {
      const { decoded, spans, plain } = decodedAndChanged(td, changes);
      const compacted: TracesData = { resourceSpans: decoded.resourceSpans.map((rs) => ({ ...rs, scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.map((s) => DecodedSpan.compact(s)) })) })) };
      for (const [i, s] of spansOf(compacted).entries()) {
        // only a span whose encoding still holds is compacted, and then not decoded by it
        expect(LazySpan.isPending(s)).toBe(DecodedSpan.rawAttributes(spans[i]!) >= 0);
      }
      expect(decodeTracesRequest(encodeTracesRequest(compacted))).toEqual(plain);
      // the agent's own attribute set afterwards, then every field read
      for (const s of spansOf(compacted)) setSpanAttribute(s, 'outrider.test', 'x');
      for (const s of spansOf(plain)) setSpanAttribute(s, 'outrider.test', 'x');
      expect(decodeTracesRequest(encodeTracesRequest(compacted))).toEqual(plain);
      expect(spansOf(compacted).map((s) => LazySpan.load(s))).toEqual(spansOf(plain));
    }), fuzz(1000));
  });
});

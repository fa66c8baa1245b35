import { describe, expect, it } from 'vitest';
import { makeTraces } from '../../test/kit/gen.js';
import { dropInvalidSpans, INVALID_SPAN_RULE } from './validity.js';

describe('dropInvalidSpans', () => {
  it('drops spans whose trace, span, parent or link ids have the wrong size, and keeps the rest', () => {
    const td = makeTraces(8, 'v');
    const spans = td.resourceSpans[0].scopeSpans[0].spans;
    spans[0].traceId = new Uint8Array(15).fill(1);
    spans[1].traceId = new Uint8Array(17).fill(1);
    spans[2].spanId = new Uint8Array(16).fill(1);
    spans[3].parentSpanId = new Uint8Array(3).fill(1);
    spans[4].links = [{ traceId: new Uint8Array(15).fill(1), spanId: new Uint8Array(8).fill(1), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }];
    spans[5].parentSpanId = new Uint8Array(8).fill(1); // a valid child span
    spans[6].traceId = new Uint8Array(16); // all zero
    expect(dropInvalidSpans(td)).toBe(6);
    expect(td.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)).toEqual(['v-5', 'v-7']);
    expect(INVALID_SPAN_RULE).toMatch(/parent_span_id/);
  });
});

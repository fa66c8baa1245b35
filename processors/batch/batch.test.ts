// The batch processor on the fake clock: size and timeout flushes, splitting, retry backoff, refusal, drain.
import { describe, expect, it } from 'vitest';
import type { Consumer } from '../../agent/component.js';
import { errors } from '../../agent/errors.js';
import { spanCount } from '../../agent/pdata/count.js';
import type { Span, TracesData } from '../../agent/pdata/model.js';
import { LazySpan } from '../../agent/pdata/lazy-span.js';
import { decodeTracesRequest } from '../../agent/pdata/proto-decode.js';
import { encodeTracesRequest } from '../../agent/pdata/proto-encode.js';
import { forgetRaw } from '../../agent/pdata/span-edit.js';
import { makeTraces } from '../../test/kit/gen.js';
import { testSettings } from '../../test/kit/settings.js';
import { batchFactory } from './index.js';

function collector(fail?: () => Error | undefined) {
  const got: TracesData[] = [];
  const times: number[] = [];
  return { got, times, consumer: { consume: async (d: TracesData) => { const e = fail?.(); if (e) throw e; got.push(d); } } };
}

function batch(cfg: object, next: Consumer<TracesData>) {
  const settings = testSettings('batch', 'traces');
  const b = batchFactory.create.traces!(settings, batchFactory.parse(cfg), next);
  return { b, settings, clock: settings.clock };
}

const total = (got: TracesData[]) => got.map(spanCount).reduce((a, n) => a + n, 0);

describe('batch processor', () => {
  it('sends when send_batch_size is reached, as one merged batch', async () => {
    const { got, consumer } = collector();
    const { b, settings, clock } = batch({ send_batch_size: 10, timeout: '10s' }, consumer);
    await b.start(settings.host);
    for (let i = 0; i < 4; i++) await b.consume(makeTraces(3));
    await clock.advance(0);
    expect(got.map(spanCount)).toEqual([12]);
    expect(got[0]!.resourceSpans).toHaveLength(4);
    await b.shutdown();
  });

  it('holds spans that came as protobuf as their received bytes, sent on unchanged and undecoded', async () => {
    const { got, consumer } = collector();
    const { b, settings, clock } = batch({ timeout: '200ms' }, consumer);
    await b.start(settings.host);
    const spansOf = (td: TracesData): Span[] => td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const sent = makeTraces(3);
    const decoded = decodeTracesRequest(encodeTracesRequest(sent));
    spansOf(decoded)[0]!.attributes.push({ key: 'cost.usd', value: 0.5 }); // appended upstream: kept
    spansOf(decoded)[1]!.name = 'renamed';
    forgetRaw(spansOf(decoded)[1]!); // changed otherwise: passed on as it is
    const expected = decodeTracesRequest(encodeTracesRequest(decoded));
    await b.consume(decoded);
    // what was handed in is left as it is (other pipelines may share it)
    expect(spansOf(decoded).some((s) => s instanceof LazySpan)).toBe(false);
    await clock.advance(200);
    const out = spansOf(got[0]!);
    expect(out.map((s) => LazySpan.isPending(s))).toEqual([true, false, true]);
    expect(decodeTracesRequest(encodeTracesRequest(got[0]!))).toEqual(expected);
    expect(spansOf(expected)[0]!.attributes.at(-1)).toEqual({ key: 'cost.usd', value: 0.5 });
    await b.shutdown();
  });

  it('sends a partial batch when the timeout passes, not before', async () => {
    const { got, consumer } = collector();
    const { b, clock } = batch({ timeout: '200ms' }, consumer);
    await b.consume(makeTraces(2));
    await clock.advance(199);
    expect(got).toHaveLength(0);
    await clock.advance(1);
    expect(got.map(spanCount)).toEqual([2]);
    await b.shutdown();
  });

  it('splits by send_batch_max_size', async () => {
    const { got, consumer } = collector();
    const { b } = batch({ send_batch_size: 5, send_batch_max_size: 5, timeout: '10s' }, consumer);
    await b.consume(makeTraces(12));
    await b.shutdown();
    expect(got.map(spanCount)).toEqual([5, 5, 2]);
  });

  it('retries retryable downstream failures with a doubling backoff and refuses new data past max_pending_items', async () => {
    let failing = true;
    const attempts: number[] = [];
    const { got, consumer } = collector(() => (failing ? errors.dataRefused('queue full') : undefined));
    const { b, settings, clock } = batch({ send_batch_size: 5, timeout: '5ms', max_pending_items: 10 }, {
      consume: (d) => { attempts.push(clock.now()); return consumer.consume(d); },
    });
    const t0 = clock.now();
    await b.consume(makeTraces(5));
    await b.consume(makeTraces(5));
    await expect(b.consume(makeTraces(1))).rejects.toMatchObject({ code: 'DATA_REFUSED', retryable: true });
    await clock.advance(1500);
    // first attempt at once, then 100, 200, 400, 800 ms later
    expect(attempts.map((t) => t - t0)).toEqual([0, 100, 300, 700, 1500]);
    failing = false;
    await clock.advance(1600);
    expect(total(got)).toBe(10);
    await b.consume(makeTraces(1));
    await b.shutdown();
    expect(total(got)).toBe(11);
    expect(await settings.render()).toMatch(/outrider_processor_refused_spans_total\{[^}]*processor="batch"[^}]*\} 1/);
  });

  it('drops and counts permanently rejected batches', async () => {
    const { consumer } = collector(() => errors.invalidData('bad'));
    const { b, settings } = batch({ timeout: '1ms' }, consumer);
    await b.consume(makeTraces(3));
    await b.shutdown();
    expect(await settings.render()).toMatch(/outrider_processor_dropped_spans_total\{[^}]*reason="permanent_error"[^}]*\} 3/);
  });

  it('flushes on shutdown and refuses data afterwards', async () => {
    const { got, consumer } = collector();
    const { b } = batch({ timeout: '1h' }, consumer);
    await b.consume(makeTraces(7));
    await b.shutdown();
    await b.shutdown();
    expect(got.map(spanCount)).toEqual([7]);
    await expect(b.consume(makeTraces(1))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});

describe('batch processor shutdown', () => {
  it('gives up after drain_timeout when downstream keeps refusing, and counts what it dropped', async () => {
    const { consumer } = collector(() => errors.dataRefused('downstream down'));
    const { b, settings, clock } = batch({ timeout: '1ms', drain_timeout: '3s' }, consumer);
    await b.consume(makeTraces(4));
    let done = false;
    const stopping = b.shutdown().then(() => { done = true; });
    await clock.advance(2999);
    expect(done).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(await settings.render()).toMatch(/outrider_processor_dropped_spans_total\{[^}]*reason="shutdown"[^}]*\} 4/);
  });

  it('abandons a downstream call that never returns', async () => {
    const { b, settings, clock } = batch({ timeout: '1ms', drain_timeout: '200ms' }, { consume: () => new Promise<void>(() => {}) });
    await b.consume(makeTraces(2));
    await clock.advance(1);
    const stopping = b.shutdown();
    await clock.advance(200);
    await stopping;
    expect(await settings.render()).toMatch(/outrider_processor_dropped_spans_total\{[^}]*reason="shutdown"[^}]*\} 2/);
  });
});

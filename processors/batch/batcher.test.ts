import { describe, expect, it } from 'vitest';
import { errors } from '../../agent/errors.js';
import { spanCount } from '../../agent/pdata/count.js';
import type { TracesData } from '../../agent/pdata/model.js';
import { makeTraces } from '../../test/kit/gen.js';
import { testSettings } from '../../test/kit/settings.js';
import { batchFactory } from './index.js';

function collector(fail?: () => Error | undefined) {
  const got: TracesData[] = [];
  return { got, consumer: { consume: async (d: TracesData) => { const e = fail?.(); if (e) throw e; got.push(d); } } };
}

describe('batch processor', () => {
  it('sends when send_batch_size is reached, as one merged batch', async () => {
    const { got, consumer } = collector();
    const b = batchFactory.create(testSettings('batch'), batchFactory.parse({ send_batch_size: 10, timeout: '10s' }), 'traces', consumer);
    await b.start({ reportFatal: () => {} });
    for (let i = 0; i < 4; i++) await b.consume(makeTraces(3));
    await new Promise((r) => setTimeout(r, 10));
    expect(got.map(spanCount)).toEqual([12]);
    expect(got[0]!.resourceSpans).toHaveLength(4);
    await b.shutdown();
  });

  it('sends a partial batch after the timeout', async () => {
    const { got, consumer } = collector();
    const b = batchFactory.create(testSettings('batch'), batchFactory.parse({ timeout: '30ms' }), 'traces', consumer);
    await b.consume(makeTraces(2));
    expect(got).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(got.map(spanCount)).toEqual([2]);
    await b.shutdown();
  });

  it('splits by send_batch_max_size', async () => {
    const { got, consumer } = collector();
    const b = batchFactory.create(testSettings('batch'), batchFactory.parse({ send_batch_size: 5, send_batch_max_size: 5, timeout: '10s' }), 'traces', consumer);
    await b.consume(makeTraces(12));
    await b.shutdown();
    expect(got.map(spanCount)).toEqual([5, 5, 2]);
  });

  it('retries retryable downstream failures and refuses new data past max_pending_items', async () => {
    let failing = true;
    const { got, consumer } = collector(() => (failing ? errors.dataRefused('queue full') : undefined));
    const settings = testSettings('batch', 'traces');
    const b = batchFactory.create(settings, batchFactory.parse({ send_batch_size: 5, timeout: '5ms', max_pending_items: 10 }), 'traces', consumer);
    await b.consume(makeTraces(5));
    await b.consume(makeTraces(5));
    await expect(b.consume(makeTraces(1))).rejects.toMatchObject({ code: 'DATA_REFUSED', retryable: true });
    failing = false;
    await new Promise((r) => setTimeout(r, 400));
    expect(got.map(spanCount).reduce((a, n) => a + n, 0)).toBe(10);
    await b.consume(makeTraces(1));
    await b.shutdown();
    expect(got.map(spanCount).reduce((a, n) => a + n, 0)).toBe(11);
    expect(await settings.render()).toMatch(/outrider_processor_refused_spans_total\{[^}]*processor="batch"[^}]*\} 1/);
  });

  it('drops and counts permanently rejected batches', async () => {
    const { consumer } = collector(() => errors.invalidData('bad'));
    const settings = testSettings('batch', 'traces');
    const b = batchFactory.create(settings, batchFactory.parse({ timeout: '1ms' }), 'traces', consumer);
    await b.consume(makeTraces(3));
    await b.shutdown();
    expect(await settings.render()).toMatch(/outrider_processor_dropped_spans_total\{[^}]*reason="permanent_error"[^}]*\} 3/);
  });

  it('flushes on shutdown and refuses data afterwards', async () => {
    const { got, consumer } = collector();
    const b = batchFactory.create(testSettings('batch'), batchFactory.parse({ timeout: '1h' }), 'traces', consumer);
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
    const settings = testSettings('batch', 'traces');
    const b = batchFactory.create(settings, batchFactory.parse({ timeout: '1ms', drain_timeout: '300ms' }), 'traces', consumer);
    await b.consume(makeTraces(4));
    const t0 = Date.now();
    await b.shutdown();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await settings.render()).toMatch(/outrider_processor_dropped_spans_total\{[^}]*reason="shutdown"[^}]*\} 4/);
  });

  it('abandons a downstream call that never returns', async () => {
    const settings = testSettings('batch', 'traces');
    const b = batchFactory.create(settings, batchFactory.parse({ timeout: '1ms', drain_timeout: '200ms' }), 'traces', { consume: () => new Promise<void>(() => {}) });
    await b.consume(makeTraces(2));
    await new Promise((r) => setTimeout(r, 20));
    await b.shutdown();
    expect(await settings.render()).toMatch(/outrider_processor_dropped_spans_total\{[^}]*reason="shutdown"[^}]*\} 2/);
  });
});

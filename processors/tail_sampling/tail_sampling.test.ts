// tail_sampling core: decision timing on the fake clock, eviction, span bound, late spans and the
// decision cache, what kept spans carry, self metrics, shutdown.
import { describe, expect, it } from 'vitest';
import { errors as outrider } from '../../agent/errors.js';
import { thresholdOf } from '../../agent/sampling/otep235.js';
import { tailSamplingFactory } from './index.js';
import { attr, batch, sampler, tspan } from './test-kit.js';

const errors = { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } };
const ERROR = { code: 2, message: 'boom' };

describe('tail_sampling decision timing', () => {
  it('decides decision_wait after the first span of a trace (default 10s), not before', async () => {
    const { p, settings, kept } = await sampler({ decision_wait_after_root: '0s' });
    await p.consume(batch([tspan(1, { child: true })]));
    await settings.clock.advance(9_999);
    expect(kept()).toEqual([]);
    expect(p.tracesInMemory).toBe(1);
    await settings.clock.advance(1);
    expect(kept()).toEqual([1]);
    expect(p.tracesInMemory).toBe(0);
    await p.shutdown();
  });

  it('decides decision_wait_after_root (default 2s) after the root arrived, when sooner', async () => {
    const { p, settings, kept } = await sampler({});
    await p.consume(batch([tspan(1, { child: true }), tspan(2, { child: true })]));
    await settings.clock.advance(3_000);
    await p.consume(batch([tspan(1)])); // root of trace 1 at t=3s → decided at 5s; trace 2 waits for 10s
    await settings.clock.advance(1_999);
    expect(kept()).toEqual([]);
    await settings.clock.advance(1);
    expect(kept()).toEqual([1]);
    await settings.clock.advance(4_999);
    expect(kept()).toEqual([1]);
    await settings.clock.advance(1);
    expect(kept()).toEqual([1, 2]);
    await p.shutdown();
  });

  it('the earlier of the two deadlines wins: a root arriving late does not delay decision_wait', async () => {
    const { p, settings, kept } = await sampler({ decision_wait: '3s', decision_wait_after_root: '2s' });
    await p.consume(batch([tspan(1, { child: true })]));
    await settings.clock.advance(2_000);
    await p.consume(batch([tspan(1)]));
    await settings.clock.advance(1_000);
    expect(kept()).toEqual([1]);
    await p.shutdown();
  });

  it('accepts the Collector name decision_wait_after_root_received', () => {
    expect(tailSamplingFactory.parse({ decision_wait_after_root_received: '500ms' }).decision_wait_after_root).toBe(500);
    expect(tailSamplingFactory.validate({ decision_wait_after_root: '1s', decision_wait_after_root_received: '1s' })).toHaveLength(1);
  });
});

describe('tail_sampling bounds', () => {
  it('num_traces: the oldest trace is decided early on what it has, and counted as an eviction', async () => {
    const { p, settings, kept } = await sampler({ num_traces: 2, policies: [errors] });
    await p.consume(batch([tspan(1, { status: ERROR }), tspan(2), tspan(3)]));
    expect(kept()).toEqual([1]); // trace 1 evicted by trace 3, kept (error); nothing waited
    expect(p.tracesInMemory).toBe(2);
    await p.consume(batch([tspan(4)]));
    expect(p.stats.evictions).toBe(2);
    expect(await settings.render()).toMatch(/outrider_sampling_evictions_total\{[^}]*\} 2/);
    await p.shutdown();
  });

  it('max_spans_per_trace: a trace reaching it is decided at once; its later spans follow the decision', async () => {
    const { p, spans } = await sampler({ max_spans_per_trace: 3 });
    await p.consume(batch([tspan(1), tspan(1, { child: true }), tspan(2)]));
    expect(spans()).toHaveLength(0);
    await p.consume(batch([tspan(1, { child: true }), tspan(1, { child: true })]));
    expect(spans()).toHaveLength(4);
    expect(p.tracesInMemory).toBe(1);
    await p.shutdown();
  });
});

describe('tail_sampling late spans', () => {
  it('late spans of a kept trace are passed on at once, stamped like the trace; of a dropped trace, dropped', async () => {
    const { p, settings, spans } = await sampler({ decision_wait: '1s', policies: [errors] });
    await p.consume(batch([tspan(1, { status: ERROR }), tspan(2)]));
    await settings.clock.advance(1_000);
    expect(spans()).toHaveLength(1);
    await p.consume(batch([tspan(1, { child: true }), tspan(2, { child: true, status: ERROR })]));
    // trace 2 was dropped: its late error span follows the first decision
    expect(spans()).toHaveLength(2);
    const late = spans()[1]!;
    expect(attr(late, 'outrider.sampling.policy')).toBe('errors');
    expect(attr(late, 'outrider.sampling.adjusted_count')).toBe(1);
    expect(thresholdOf(late.traceState)).toBe(0n);
    expect(p.stats.lateSpans).toBe(2);
    expect(p.stats.cacheHits).toBe(2);
    expect(p.tracesInMemory).toBe(0);
    const text = await settings.render();
    expect(text).toMatch(/outrider_sampling_late_spans_total\{[^}]*decision="sampled"[^}]*\} 1/);
    expect(text).toMatch(/outrider_sampling_late_spans_total\{[^}]*decision="not_sampled"[^}]*\} 1/);
    expect(text).toMatch(/outrider_sampling_decision_cache_hits_total\{[^}]*\} 2/);
    await p.shutdown();
  });

  it('once the cache has forgotten a trace, its late spans are buffered as a new trace', async () => {
    const { p, settings } = await sampler({ decision_wait: '1s', policies: [errors], decision_cache: { sampled_cache_size: 2, non_sampled_cache_size: 2 } });
    await p.consume(batch([tspan(1), tspan(2), tspan(3)]));
    await settings.clock.advance(1_000);
    await p.consume(batch([tspan(1, { child: true })])); // the oldest decision is forgotten
    expect(p.tracesInMemory).toBe(1);
    await p.consume(batch([tspan(3, { child: true })])); // the newest is remembered
    expect(p.tracesInMemory).toBe(1);
    expect(p.stats.cacheHits).toBe(1);
    await p.shutdown();
  });
});

describe('tail_sampling records and reports', () => {
  it('kept spans carry th, the adjusted count and the policy; an upstream th stronger than the decision stays', async () => {
    const { p, settings, spans } = await sampler({ decision_wait: '1s', policies: [errors] });
    await p.consume(batch([tspan(1, { status: ERROR, traceState: 'vendor=a' }), tspan(2, { status: ERROR, traceState: 'ot=th:c' })]));
    await settings.clock.advance(1_000);
    const [a, b] = spans();
    expect(a!.traceState).toBe('ot=th:0,vendor=a');
    expect(attr(a!, 'outrider.sampling.adjusted_count')).toBe(1);
    expect(thresholdOf(b!.traceState)).toBe(0xc0000000000000n);
    expect(attr(b!, 'outrider.sampling.adjusted_count')).toBe(4);
    await p.shutdown();
  });

  it('counts decisions per policy and outcome (metric and signal), and traces in memory', async () => {
    const { p, settings } = await sampler({ decision_wait: '1s', policies: [errors] });
    await p.consume(batch([tspan(1, { status: ERROR }), tspan(2), tspan(3)]));
    expect(await settings.render()).toMatch(/outrider_sampling_traces_in_memory\{[^}]*\} 3/);
    await settings.clock.advance(1_000);
    const text = await settings.render();
    expect(text).toMatch(/outrider_sampling_decisions_total\{[^}]*decision="sampled"[^}]*policy="errors"[^}]*\} 1|outrider_sampling_decisions_total\{[^}]*policy="errors"[^}]*decision="sampled"[^}]*\} 1/);
    expect(text).toMatch(/outrider_sampling_decisions_total\{(?=[^}]*policy="none")(?=[^}]*decision="not_sampled")[^}]*\} 2/);
    expect(settings.signals.increase('sampling_decisions', { policy: 'errors', decision: 'sampled' }, 60_000)).toBe(1);
    expect(settings.signals.increase('sampling_decisions', { decision: 'not_sampled' }, 60_000)).toBe(2);
    await p.shutdown();
  });

  it('shutdown decides what is buffered and hands it on, or drops it with drop_pending_traces_on_shutdown', async () => {
    const a = await sampler({});
    await a.p.consume(batch([tspan(1)]));
    await a.p.shutdown();
    expect(a.kept()).toEqual([1]);
    const b = await sampler({ drop_pending_traces_on_shutdown: true });
    await b.p.consume(batch([tspan(1)]));
    await b.p.shutdown();
    expect(b.kept()).toEqual([]);
    expect(b.settings.clock.pending).toBe(0);
  });

  it('keeps resources and scopes of kept spans apart', async () => {
    const { p, settings, got } = await sampler({ decision_wait: '1s' });
    await p.consume(batch([tspan(1)], { 'service.name': 'a' }));
    await p.consume(batch([tspan(1, { child: true }), tspan(2)], { 'service.name': 'b' }));
    await settings.clock.advance(1_000);
    expect(got).toHaveLength(1);
    expect(got[0]!.resourceSpans.map((rs) => [rs.resource!.attributes[0]!.value, rs.scopeSpans[0]!.spans.length])).toEqual([['a', 1], ['b', 2]]);
    await p.shutdown();
  });
});

describe('tail_sampling when the next consumer refuses kept spans', () => {
  it('retries a retryable refusal with backoff, refuses new data meanwhile (retryable), and loses nothing', async () => {
    let refusing = true;
    const { p, settings, kept } = await sampler({ decision_wait: '1s', decision_wait_after_root: '0s' }, { refuse: () => (refusing ? outrider.dataRefused('sending queue is full') : undefined) });
    await p.consume(batch([tspan(1), tspan(2)]));
    await settings.clock.advance(1_000); // decided and refused
    expect(kept()).toEqual([]);
    await expect(p.consume(batch([tspan(3)]))).rejects.toMatchObject({ code: 'DATA_REFUSED', retryable: true });
    await settings.clock.advance(100); // first retry: still refused
    expect(kept()).toEqual([]);
    refusing = false;
    await settings.clock.advance(199);
    expect(kept()).toEqual([]);
    await settings.clock.advance(1); // second retry, 200 ms after the first: accepted
    expect(kept()).toEqual([1, 2]);
    await p.consume(batch([tspan(3)])); // taken in again
    const text = await settings.render();
    expect(text).toMatch(/outrider_processor_refused_spans_total\{[^}]*processor="tail_sampling"[^}]*\} 1/);
    expect(text).not.toMatch(/outrider_sampling_send_failed_spans_total\{[^}]*\} [1-9]/);
    await p.shutdown();
    expect(kept()).toEqual([1, 2, 3]);
  });

  it('counts a permanent refusal as failed at once; at shutdown gives up a retryable one after 5 s, counted', async () => {
    const a = await sampler({ decision_wait: '1s', decision_wait_after_root: '0s' }, { refuse: () => outrider.invalidData('bad batch') });
    await a.p.consume(batch([tspan(1)]));
    await a.settings.clock.advance(1_000);
    expect(await a.settings.render()).toMatch(/outrider_sampling_send_failed_spans_total\{[^}]*\} 1/);
    await a.p.consume(batch([tspan(2)])); // nothing is held: new data is taken
    await a.p.shutdown();

    const b = await sampler({}, { refuse: () => outrider.dataRefused('sending queue is full') });
    await b.p.consume(batch([tspan(1)]));
    const done = b.p.shutdown();
    await b.settings.clock.advance(4_999);
    expect(await b.settings.render()).not.toMatch(/outrider_sampling_send_failed_spans_total\{[^}]*\} [1-9]/);
    await b.settings.clock.advance(1);
    await done;
    expect(await b.settings.render()).toMatch(/outrider_sampling_send_failed_spans_total\{[^}]*\} 1/);
  });
});

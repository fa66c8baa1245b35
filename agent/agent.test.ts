// The agent's runtime: services start before every pipeline and stop after; components reach
// services through Host; status reporting; config reload in place.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pino } from 'pino';
import { Agent } from './agent.js';
import { configFromSchema, once, type ProcessorFactory } from './component.js';
import { serviceKey, type ServiceFactory } from './service.js';
import { STORE } from './services/store-service.js';
import { SIGNALS } from './signals/signals.js';
import { createSink } from '../test/kit/sink.js';
import { sinkConfig } from '../test/kit/config.js';
import { makeTraces } from '../test/kit/gen.js';

/** A service and a processor that record what happens, in order, into `log`. */
function recorders(log: string[]) {
  const PROBE = serviceKey<{ hello(): string }>('probe');
  const probe: ServiceFactory<{ greeting: string }, { hello(): string }> = {
    kind: 'service', type: 'probe', section: 'probe',
    ...configFromSchema('probe', z.strictObject({ greeting: z.string().default('hi') })),
    create: (_s, c) => ({
      key: PROBE, api: { hello: () => c.greeting },
      start: async () => { log.push('start service probe'); },
      shutdown: once(async () => { log.push('stop service probe'); }),
    }),
  };
  const reader: ProcessorFactory<Record<string, never>> = {
    kind: 'processor', type: 'reader', signals: ['traces', 'metrics'], ...configFromSchema('reader', z.strictObject({})),
    create: {
      traces: (s, _c, next) => ({
        async start(host) {
          // typed lookups, no cast: the store's handle, the signals API, the probe service
          const store = host.service(STORE);
          const calls = host.service(SIGNALS).counter('reader_batches', ['pipeline']);
          calls.series([s.pipeline ?? '']).add(1);
          log.push(`start ${s.id}@${s.pipeline} store=${store.path} probe=${host.service(PROBE).hello()}`);
          host.reportStatus('degraded', 'just testing');
        },
        shutdown: once(async () => { log.push(`stop ${s.id}@${s.pipeline}`); }),
        consume: (d) => next.consume(d),
      }),
      metrics: (s, _c, next) => ({
        start: async () => { log.push(`start ${s.id}@${s.pipeline}`); },
        shutdown: once(async () => { log.push(`stop ${s.id}@${s.pipeline}`); }),
        consume: (d) => next.consume(d),
      }),
    },
  };
  return { probe, reader, PROBE };
}

describe('agent runtime', () => {
  it('starts services before every pipeline and stops them after; components reach services through Host', async () => {
    const log: string[] = [];
    const { probe, reader, PROBE } = recorders(log);
    const sink = createSink();
    const cfg = sinkConfig({ processors: { reader: {} } }) as Record<string, any>;
    delete cfg.service.pipelines.logs;
    cfg.probe = { greeting: 'hello' };
    cfg.storage.path = ':memory:';
    const agent = await Agent.start({ tree: cfg }, { factories: [probe, reader, sink.factory], logger: pino({ level: 'silent' }) });
    expect(agent.service(PROBE)?.hello()).toBe('hello');
    // a degraded component keeps the agent ready, and says why
    expect(agent.isReady).toBe(true);
    const res = await fetch(`http://${agent.telemetryAddress}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', components: [{ id: 'processor:reader@traces', status: 'degraded', reason: 'just testing' }] });
    expect(agent.service(SIGNALS)!.increase('reader_batches', { pipeline: 'traces' }, 60_000)).toBe(1);
    await agent.stop();
    const firstPipelineStart = log.findIndex((l) => l.startsWith('start reader'));
    const lastPipelineStop = log.map((l) => l.startsWith('stop reader')).lastIndexOf(true);
    expect(log.indexOf('start service probe')).toBeLessThan(firstPipelineStart);
    expect(log.indexOf('stop service probe')).toBeGreaterThan(lastPipelineStop);
    expect(log).toContain('start reader@traces store=:memory: probe=hello');
    expect(log.filter((l) => l.startsWith('start reader'))).toHaveLength(2);
  });

  it('refuses a bad reload and keeps running; applies a good one, keeping what did not change', async () => {
    const sink = createSink();
    const cfg = sinkConfig({ processors: { batch: { timeout: '10ms' } } }) as Record<string, any>;
    const agent = await Agent.start({ tree: cfg }, { factories: [sink.factory], logger: pino({ level: 'silent' }) });
    const receiver = agent.component('receiver', 'otlp');
    const bad = JSON.parse(JSON.stringify(cfg));
    bad.processors.batch.timeout = 'soon';
    bad.service.pipelines.traces.exporters = ['nope'];
    const refused = await agent.reload({ tree: bad });
    expect(refused.outcome).toBe('refused');
    expect(refused.problems.map((p) => p.path)).toEqual(['processors.batch.timeout', 'service.pipelines.traces.exporters[0]']);
    expect(agent.component('receiver', 'otlp')).toBe(receiver);
    // a new storage path needs a restart: refused, saying so
    const moved = JSON.parse(JSON.stringify(cfg));
    moved.storage.path += '.other';
    expect((await agent.reload({ tree: moved })).problems).toEqual([{ path: 'storage', message: expect.stringMatching(/only after a restart/) }]);

    const good = JSON.parse(JSON.stringify(cfg));
    good.processors['spanmetrics'] = {};
    good.service.pipelines.traces.processors = ['spanmetrics', 'batch'];
    const ok = await agent.reload({ tree: good });
    expect(ok.outcome).toBe('ok');
    expect(ok.created).toEqual(['processor:spanmetrics@traces']);
    expect(ok.stopped).toEqual([]);
    expect(agent.component('receiver', 'otlp')).toBe(receiver);
    // data flows through the new chain
    const head = agent.graph.component<{ consume(d: unknown): Promise<void> }>('processor', 'spanmetrics', 'traces')!;
    await head.consume(makeTraces(3));
    await sink.waitFor('traces', 3);
    await agent.stop();
  });
});

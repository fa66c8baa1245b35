import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Component, ExporterFactory, ProcessorFactory, ReceiverFactory, SignalConsumers } from './component.js';
import { configFromSchema } from './component.js';
import { factoryMap } from './factories.js';
import { PipelineGraph } from './graph.js';
import { loadConfig } from '../config/loader.js';
import type { TracesData } from './pdata/model.js';
import { makeTraces } from '../test/kit/gen.js';
import { testHost, testSettings } from '../test/kit/settings.js';

/** Factories that record lifecycle events into `log`. */
function recordingFactories(log: string[]) {
  const empty = configFromSchema('x', z.strictObject({}));
  const lifecycle = (name: string): Component => ({
    start: async () => { log.push(`start ${name}`); },
    shutdown: async () => { log.push(`stop ${name}`); },
  });
  let feed: SignalConsumers = {};
  const receiver: ReceiverFactory = { kind: 'receiver', type: 'rec', signals: ['traces', 'metrics'], ...empty,
    create: (s, _c, next) => { feed = next; return lifecycle(s.id); } };
  const tag: ProcessorFactory<{ mutate: boolean }> = { kind: 'processor', type: 'tag', signals: ['traces'], ...configFromSchema('tag', z.strictObject({ mutate: z.boolean().default(false) })),
    create: { traces: (s, c, next) => ({ ...lifecycle(`${s.id}@${s.pipeline}`), mutates: c.mutate,
      consume: async (d: any) => { log.push(`consume ${s.id}@${s.pipeline}`); if (c.mutate) d.resourceSpans[0].scopeSpans[0].spans[0].name = `changed by ${s.id}`; return next.consume(d); } }) } };
  const seen: Record<string, TracesData[]> = {};
  const exporter: ExporterFactory = { kind: 'exporter', type: 'exp', signals: ['traces', 'metrics'], ...empty,
    create: (s) => ({ ...lifecycle(s.id), traces: { consume: async (d: TracesData) => { (seen[s.id] ??= []).push(d); } }, metrics: { consume: async () => {} } }) };
  return { factories: factoryMap([receiver, tag, exporter]), feed: () => feed, seen };
}

const settingsFor = (id: string, pipeline?: string) => testSettings(id, { pipeline });
const host = () => testHost();

describe('PipelineGraph', () => {
  const yaml = `
receivers: { rec: }
processors: { tag/a: , tag/b: { mutate: true } }
exporters: { exp/1: , exp/2: }
service:
  pipelines:
    traces: { receivers: [rec], processors: [tag/a, tag/b], exporters: [exp/1, exp/2] }
    traces/copy: { receivers: [rec], exporters: [exp/2] }
    metrics: { receivers: [rec], exporters: [exp/1] }
`;

  it('starts downstream first and stops upstream first', async () => {
    const log: string[] = [];
    const { factories } = recordingFactories(log);
    const cfg = loadConfig({ yaml }, factories, {});
    expect(cfg.problems).toEqual([]);
    const graph = PipelineGraph.build(cfg.config!, settingsFor);
    graph.connect();
    await graph.start(host);
    await graph.shutdown(() => {});
    expect(log).toEqual([
      'start exp/1', 'start exp/2', 'start tag/b@traces', 'start tag/a@traces', 'start rec',
      'stop rec', 'stop tag/a@traces', 'stop tag/b@traces', 'stop exp/2', 'stop exp/1',
    ]);
  });

  it('fans out to every pipeline and exporter, copying for mutating processors', async () => {
    const log: string[] = [];
    const { factories, feed, seen } = recordingFactories(log);
    const graph = PipelineGraph.build(loadConfig({ yaml }, factories, {}).config!, settingsFor);
    graph.connect();
    await graph.start(host);
    const td = makeTraces(1, 'original');
    await feed().traces!.consume(td);
    expect(log.filter((l) => l.startsWith('consume'))).toEqual(['consume tag/a@traces', 'consume tag/b@traces']);
    // exp/1 and exp/2 via the traces pipeline see the mutation; traces/copy sees the original
    expect(seen['exp/1']!.map((d) => d.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name)).toEqual(['changed by tag/b']);
    expect(seen['exp/2']!.map((d) => d.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name).sort()).toEqual(['changed by tag/b', 'original-0']);
    await graph.shutdown(() => {});
  });

  it('reports pipelines using a component for a signal it does not support', () => {
    const { factories } = recordingFactories([]);
    const r = loadConfig({ yaml: yaml.replace('metrics: { receivers: [rec], exporters: [exp/1] }', 'metrics: { receivers: [rec], processors: [tag/a], exporters: [exp/1] }') }, factories, {});
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "service.pipelines.metrics.processors[0]: processor 'tag/a' does not support metrics (supports: traces)",
    ]);
  });

  it('joins pipelines through a forward connector, starting the downstream pipeline first', async () => {
    const log: string[] = [];
    const { factories, feed, seen } = recordingFactories(log);
    const joined = `
receivers: { rec: }
processors: { tag/a: , tag/b: }
exporters: { exp/1: }
connectors: { forward/x: }
service:
  pipelines:
    traces/out: { receivers: [forward/x], processors: [tag/b], exporters: [exp/1] }
    traces/in: { receivers: [rec], processors: [tag/a], exporters: [forward/x] }
`;
    const cfg = loadConfig({ yaml: joined }, factories, {});
    expect(cfg.problems).toEqual([]);
    const graph = PipelineGraph.build(cfg.config!, settingsFor);
    graph.connect();
    await graph.start(host);
    await feed().traces!.consume(makeTraces(2, 'joined'));
    expect(log.filter((l) => l.startsWith('consume'))).toEqual(['consume tag/a@traces/in', 'consume tag/b@traces/out']);
    expect(seen['exp/1']!.map((d) => d.resourceSpans[0]!.scopeSpans[0]!.spans.length)).toEqual([2]);
    await graph.shutdown(() => {});
    expect(log.filter((l) => !l.startsWith('consume'))).toEqual([
      'start exp/1', 'start tag/b@traces/out', 'start tag/a@traces/in', 'start rec',
      'stop rec', 'stop tag/a@traces/in', 'stop tag/b@traces/out', 'stop exp/1',
    ]);
  });

  it('reports a cycle through connectors and a connector used on one side only', () => {
    const { factories } = recordingFactories([]);
    const cyclic = loadConfig({ yaml: `
receivers: { rec: }
exporters: { exp/1: }
connectors: { forward/a: , forward/b: , forward/lonely: }
service:
  pipelines:
    traces/one: { receivers: [rec, forward/b], exporters: [forward/a] }
    traces/two: { receivers: [forward/a], exporters: [forward/b, exp/1] }
    traces/three: { receivers: [rec], exporters: [forward/lonely] }
` }, factories, {});
    expect(cyclic.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'connectors.forward/lonely: used as an exporter but no pipeline receives from it',
      'service.pipelines: cycle through connectors: traces/one → traces/two → traces/one',
    ]);
  });
});

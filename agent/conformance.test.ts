// Every registered factory: the default config validates; create → shutdown; create → start → consume → shutdown.
import { describe, expect, it } from 'vitest';
import type { Consumer, Signal, SignalData } from './component.js';
import { builtinFactories } from './factories.js';
import { makeTraces } from '../test/kit/gen.js';
import { testSettings } from '../test/kit/settings.js';
import { tempDir } from '../test/kit/config.js';
import { join } from 'node:path';

const samples: { [S in Signal]: () => SignalData[S] } = {
  traces: () => makeTraces(2),
  metrics: () => ({ resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0 }, schemaUrl: '',
    scopeMetrics: [{ scope: null, schemaUrl: '', metrics: [{ name: 'm', description: '', unit: '1', metadata: [],
      data: { type: 'gauge', dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: BigInt(Date.now()) * 1_000_000n, value: 1.5, exemplars: [], flags: 0 }] } }] }] }] }),
  logs: () => ({ resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [{ scope: null, schemaUrl: '', logRecords: [{
    timeUnixNano: 1n, observedTimeUnixNano: 1n, severityNumber: 9, severityText: 'INFO', body: 'hello', attributes: [], droppedAttributesCount: 0,
    flags: 0, traceId: new Uint8Array(0), spanId: new Uint8Array(0), eventName: '' }] }] }] }),
};

/** Configs that must differ from the defaults to run in a test (ports, paths). */
function runnableConfig(kind: string, type: string, base: any): any {
  if (kind === 'receiver' && type === 'otlp') return { protocols: { grpc: { ...base.protocols.grpc, endpoint: '127.0.0.1:0' }, http: { ...base.protocols.http, endpoint: '127.0.0.1:0' } } };
  if (type === 'file') return { ...base, path: join(tempDir(), 'out.jsonl') };
  return base;
}

describe.each(builtinFactories.map((f) => [`${f.kind} ${f.type}`, f] as const))('%s', (_name, factory) => {
  it('has a default config that validates', () => {
    // the default is what an empty config parses to; the parsed form (durations in ms) is not config input
    expect(factory.validate({})).toEqual([]);
    expect(factory.parse({})).toEqual(factory.createDefaultConfig());
    expect(factory.validate({ surely_not_a_key: 1 })).toEqual([expect.objectContaining({ path: 'surely_not_a_key', message: 'unknown key' })]);
  });

  it('can be shut down without being started, twice', async () => {
    const cfg = runnableConfig(factory.kind, factory.type, factory.createDefaultConfig());
    const c = factory.kind === 'receiver' || factory.kind === 'connector' ? factory.create(testSettings(factory.type), cfg, {})
      : factory.kind === 'processor' ? factory.create(testSettings(factory.type, factory.signals[0]), cfg, factory.signals[0]!, { consume: async () => {} })
        : factory.create(testSettings(factory.type), cfg, factory.signals);
    await c.shutdown();
    await c.shutdown();
  });

  it.each(factory.signals.map((s) => [s]))('starts, consumes one %s batch, shuts down', async (signal) => {
    const cfg = runnableConfig(factory.kind, factory.type, factory.createDefaultConfig());
    const got: unknown[] = [];
    const sink: Consumer<any> = { consume: async (d) => { got.push(d); } };
    if (factory.kind === 'receiver') {
      const r = factory.create(testSettings(factory.type), cfg, { [signal]: sink });
      await r.start({ reportFatal: () => {} });
      await r.shutdown();
      return;
    }
    if (factory.kind === 'processor') {
      const p = factory.create(testSettings(factory.type, signal), cfg, signal, sink);
      await p.start({ reportFatal: () => {} });
      await p.consume(samples[signal]());
      await p.shutdown();
      expect(got.length).toBeGreaterThan(0);
      return;
    }
    if (factory.kind === 'connector') {
      const c = factory.create(testSettings(factory.type), cfg, { [signal]: sink });
      await c.start({ reportFatal: () => {} });
      await (c[signal] as Consumer<any>).consume(samples[signal]());
      await c.shutdown();
      expect(got).toHaveLength(1);
      return;
    }
    const e = factory.create(testSettings(factory.type), cfg, [signal]);
    await e.start({ reportFatal: () => {} });
    await (e[signal] as Consumer<any>).consume(samples[signal]());
    await e.shutdown();
  });
});

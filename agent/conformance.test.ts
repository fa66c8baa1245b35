// Every registered factory: the default config validates; create → shutdown; create → start →
// one item per signal through it → shutdown, with an assertion for every kind.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Component, Consumer, Signal, SignalData } from './component.js';
import { createProcessor } from './component.js';
import { builtinFactories, builtinServices } from './factories.js';
import { encodeTracesRequest } from './pdata/proto-encode.js';
import { makeTraces } from '../test/kit/gen.js';
import { testSettings } from '../test/kit/settings.js';
import { tempDir } from '../test/kit/config.js';
import { systemClock } from './clock.js';

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
  if (kind === 'exporter' && (type === 'otlp' || type === 'otlphttp')) return { ...base, endpoint: type === 'otlp' ? '127.0.0.1:9' : 'http://127.0.0.1:9', sending_queue: { ...base.sending_queue, drain_timeout: 10 } };
  return base;
}

function create(factory: (typeof builtinFactories)[number], signal: Signal, sink: Consumer<any>, settings = testSettings(factory.type, { pipeline: signal })): Component & Record<string, any> {
  const cfg = runnableConfig(factory.kind, factory.type, factory.createDefaultConfig());
  switch (factory.kind) {
    case 'receiver': return factory.create(settings, cfg, { [signal]: sink });
    case 'connector': return factory.create(settings, cfg, { [signal]: sink });
    case 'processor': return createProcessor(factory, settings, cfg, signal, sink);
    case 'exporter': return factory.create(settings, cfg, [signal]);
  }
}

describe.each(builtinFactories.map((f) => [`${f.kind} ${f.type}`, f] as const))('%s', (_name, factory) => {
  it('has a default config that validates and refuses unknown keys', () => {
    // the default is what an empty config parses to; the parsed form (durations in ms) is not config input
    expect(factory.validate({})).toEqual([]);
    expect(factory.parse({})).toEqual(factory.createDefaultConfig());
    expect(factory.validate({ surely_not_a_key: 1 })).toEqual([expect.objectContaining({ path: 'surely_not_a_key', message: 'unknown key' })]);
  });

  if (factory.kind === 'processor') {
    it('has one create function for each signal it declares', () => {
      expect(Object.keys(factory.create).sort()).toEqual([...factory.signals].sort());
    });
  }

  it('can be shut down without being started, twice', async () => {
    const c = create(factory, factory.signals[0]!, { consume: async () => {} });
    await expect(c.shutdown()).resolves.toBeUndefined();
    await expect(c.shutdown()).resolves.toBeUndefined();
  });

  it.each(factory.signals.map((s) => [s]))('starts, takes one %s batch, shuts down', async (signal) => {
    const got: unknown[] = [];
    const sink: Consumer<any> = { consume: async (d) => { got.push(d); } };
    const settings = testSettings(factory.type, { pipeline: signal, clock: systemClock });
    const c = create(factory, signal, sink, settings);
    await c.start(settings.host);
    if (factory.kind === 'receiver') {
      // one request over the receiver's real HTTP listener (traces: OTLP/protobuf; others: an empty request)
      const http = (c as { endpoints?: { http?: string } }).endpoints?.http;
      expect(http).toMatch(/^127\.0\.0\.1:\d+$/);
      const body = Buffer.from(signal === 'traces' ? encodeTracesRequest(samples.traces()) : new Uint8Array(0));
      const res = await fetch(`http://${http}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
      expect(res.status).toBe(200);
      if (signal === 'traces') expect(got).toHaveLength(1);
    } else if (factory.kind === 'exporter') {
      await expect((c[signal] as Consumer<any>).consume(samples[signal]())).resolves.toBeUndefined();
    } else {
      const consumer = (factory.kind === 'connector' ? c[signal] : c) as Consumer<any>;
      await consumer.consume(samples[signal]());
    }
    await c.shutdown();
    if (factory.kind === 'processor' || factory.kind === 'connector') expect(got.length).toBeGreaterThan(0);
    expect(settings.statuses.filter((s) => s.status === 'failed')).toEqual([]);
  });
});

describe.each(builtinServices.map((f) => [`service ${f.type}`, f] as const))('%s', (_name, factory) => {
  it('has a default config that validates and refuses unknown keys', () => {
    expect(factory.validate({})).toEqual([]);
    expect(factory.parse({})).toEqual(factory.createDefaultConfig());
    // a map section (notifiers: type/name → config) names the unknown type and the known ones
    expect(factory.validate({ surely_not_a_key: 1 })).toEqual([expect.objectContaining({ path: 'surely_not_a_key', message: expect.stringMatching(/^unknown (key|notifier type)/) })]);
  });

  it('offers its API under its key, and shuts down without start, twice', async () => {
    const s = factory.create(testSettings(factory.type), factory.createDefaultConfig());
    expect(s.key.name).toBe(factory.type);
    expect(s.api).toBeDefined();
    await s.shutdown();
    await s.shutdown();
  });
});

// The registry loads what a config declares, keyed as the factories say; unknown types still list every known one.
import { describe, expect, it } from 'vitest';
import { catalogFor, FACTORY_LOADERS, loadFactories } from './factory-registry.js';
import { declaredComponentKeys, loadConfigFor } from '../config/loader.js';
import { createSink } from '../test/kit/sink.js';

describe('factory registry', () => {
  it('keys every loader by the kind and type of the factory it loads', async () => {
    for (const [key, load] of Object.entries(FACTORY_LOADERS)) {
      const f = await load();
      expect(`${f.kind}:${f.type}`).toBe(key);
    }
  });

  it('catalogs only the services and the components a config declares', async () => {
    const keys = declaredComponentKeys({ receivers: { otlp: {} }, processors: { batch: {}, 'batch/2': {} }, exporters: { 'otlp/jaeger': {}, 'bad id/': {} } });
    expect(keys.sort()).toEqual(['exporter:otlp', 'processor:batch', 'receiver:otlp']);
    const catalog = await catalogFor(keys);
    expect([...catalog.keys()].filter((k) => !k.startsWith('service:')).sort()).toEqual(['exporter:otlp', 'processor:batch', 'receiver:otlp']);
    expect([...catalog.keys()].filter((k) => k.startsWith('service:'))).toContain('service:storage');
  });

  it('loads every built-in when a type is unknown, so the problem lists them all', async () => {
    const loaded = await loadConfigFor({ yaml: 'receivers: { otlp: {} }\nprocessors: { sampler: {} }\nexporters: { nop: {} }\nservice: { pipelines: { traces: { receivers: [otlp], processors: [sampler], exporters: [nop] } } }\n' }, (keys) => catalogFor(keys));
    const problem = loaded.problems.find((p) => p.path === 'processors.sampler');
    expect(problem?.message).toContain('unknown processor type');
    expect(problem?.message).toContain('tail_sampling');
    expect(loaded.factories?.size).toBe((await loadFactories()).length + [...(loaded.factories?.keys() ?? [])].filter((k) => k.startsWith('service:')).length);
  });

  it('lets extra factories replace built-ins and stand for types of their own', async () => {
    const sink = createSink();
    const catalog = await catalogFor([`exporter:${sink.factory.type}`, 'receiver:otlp'], [sink.factory]);
    expect(catalog.get(`exporter:${sink.factory.type}`)).toBe(sink.factory);
    expect(catalog.has('processor:tail_sampling')).toBe(false);
  });
});

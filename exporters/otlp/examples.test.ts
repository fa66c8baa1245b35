// The shipped example configs that use the otlp exporters load without a problem.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { factoryMap } from '../../agent/factories.js';
import { loadConfig } from '../../config/loader.js';
import { otlpExporterFactory } from './index.js';

const factories = factoryMap([otlpExporterFactory]);

describe.each(['jaeger.yaml', 'gateway.yaml'])('config/examples/%s', (name) => {
  it('validates', () => {
    const path = fileURLToPath(new URL(`../../config/examples/${name}`, import.meta.url));
    const loaded = loadConfig(path, factories, {});
    expect(loaded.problems).toEqual([]);
  });
});

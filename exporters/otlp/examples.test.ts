// The shipped example configs that use the otlp exporters load without a problem.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { factoryMap } from '../../agent/factories.js';
import { loadConfig } from '../../config/loader.js';
import { otlpExporterFactory } from './index.js';

const factories = factoryMap([otlpExporterFactory]);

describe.each(['jaeger.yaml', 'gateway.yaml'])('config/examples/%s', (name) => {
  it('validates', () => {
    const path = fileURLToPath(new URL(`../../config/examples/${name}`, import.meta.url));
    // the gateway example reads a CA file; point it at a real one
    const ca = join(mkdtempSync(join(tmpdir(), 'outrider-example-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const loaded = loadConfig(path, factories, { GATEWAY_CA_FILE: ca });
    expect(loaded.problems).toEqual([]);
  });
});

// Every config we ship validates as shipped: the embedded default and config/examples/*.yaml.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factoryMap } from '../agent/factories.js';
import { formatProblem } from '../agent/component.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from './loader.js';

const examples = fileURLToPath(new URL('./examples/', import.meta.url));
const shipped = [DEFAULT_CONFIG_PATH, ...readdirSync(examples).filter((f) => f.endsWith('.yaml')).map((f) => join(examples, f))];

describe('shipped configs', () => {
  it.each(shipped)('%s validates with no environment set, without warnings', (path) => {
    const r = loadConfig(path, factoryMap(), {});
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect((r.warnings ?? []).map(formatProblem)).toEqual([]);
  });
});

// Property-based tests (fast-check) of the config loader: arbitrary YAML text, arbitrary trees and valid
// configs with a subtree replaced give back problems with key paths or a config — never a throw.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { factoryMap } from '../agent/factories.js';
import { fuzz } from '../test/kit/fuzz.js';
import { DEFAULT_CONFIG_PATH, loadConfig, type LoadedConfig } from './loader.js';

const factories = factoryMap();
const env = { PORT: '4317', EMPTY: '' };

/** The loader's contract: a config and no problems, or problems (each a path and a message) and no config. */
function checkOutcome(r: LoadedConfig): void {
  expect(typeof r.source).toBe('string');
  for (const p of r.problems) {
    expect(typeof p.path).toBe('string');
    expect(typeof p.message).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
  }
  if (r.config) expect(r.problems).toEqual([]);
  else expect(r.problems.length).toBeGreaterThan(0);
}

/** Words a config is made of, so random trees reach deep into the schemas (plus prototype keys). */
const KEYS = [
  'receivers', 'processors', 'exporters', 'connectors', 'service', 'pipelines', 'traces', 'metrics', 'logs', 'telemetry', 'storage', 'path',
  'otlp', 'protocols', 'grpc', 'http', 'endpoint', 'batch', 'timeout', 'memory_limiter', 'limit_mib', 'spanmetrics', 'dimensions', 'redaction',
  'blocked_values', 'tail_sampling', 'policies', 'debug', 'verbosity', 'nop', 'prometheus', 'otlp/jaeger', 'forward', 'cost', 'slo', 'objectives',
  'tls', 'insecure', 'sending_queue', 'level', '__proto__', 'constructor', 'toString', '',
];
const scalar = fc.oneof(
  fc.constantFrom('otlp', 'debug', 'batch', '127.0.0.1:0', '5s', '0', 'true', '${env:PORT}', '${env:NOPE}', '${bad:x}', '$$', '10%', 'info'),
  fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('tree'), { maxKeys: 4 }),
  ),
}));

const YAML_PIECES = [
  'receivers:', 'exporters:', 'processors:', 'service:', '  pipelines:', '    traces:', '      receivers: [otlp]', '      exporters: [debug]',
  '  otlp:', '  debug:', '  batch: { timeout: 5s }', '\n', ' ', '  ', '- ', ': ', '{', '}', '[', ']', ',', '"', "'", '#', '&a ', '*a', '!!str ',
  '!!binary ', '? ', '|', '>', '---', '...', '%YAML 1.2', '${env:PORT}', '<<: *a', '\t', 'x', '1', '~', 'null', '__proto__: ', '😀',
];
const yamlText = fc.oneof(
  fc.array(fc.constantFrom(...YAML_PIECES), { maxLength: 40 }).map((ps) => ps.join('')),
  fc.string({ maxLength: 200 }),
);

/** The embedded default config as a tree, with one subtree (picked by `path`) replaced by `junk`. */
const defaultTree = parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8').replaceAll('localhost:', '127.0.0.1:').replace(/\$\{env:OUTRIDER_STORAGE_PATH:-[^}]*\}/, '/tmp/outrider-fuzz/outrider.db'));
function replaceAt(root: unknown, path: number[], junk: unknown): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  let node: any = copy;
  for (let i = 0; i < path.length; i++) {
    const keys = node && typeof node === 'object' ? Object.keys(node) : [];
    if (keys.length === 0) break;
    const k = keys[path[i]! % keys.length]!;
    if (i === path.length - 1 || node[k] === null || typeof node[k] !== 'object') { node[k] = junk; break; }
    node = node[k];
  }
  return copy;
}

// the yaml library reports odd-but-parseable input as process warnings; thousands of them would flood the output
beforeAll(() => { vi.spyOn(process, 'emitWarning').mockImplementation(() => {}); });

describe('config loader (fast-check)', () => {
  it('arbitrary YAML-ish text: problems with line and column, or a config; never a throw', () => {
    fc.assert(fc.property(yamlText, (text) => checkOutcome(loadConfig({ yaml: text }, factories, env))), fuzz(1500));
  });

  it('arbitrary trees of config words: problems or a config; never a throw', () => {
    fc.assert(fc.property(tree, (t) => checkOutcome(loadConfig({ tree: t }, factories, env))), fuzz(1500));
  });

  it('the default config with one subtree replaced: problems naming a key path under a section, or a config', () => {
    expect(loadConfig({ tree: defaultTree }, factories, env).problems).toEqual([]);
    fc.assert(fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), tree, (path, junk) => {
      const r = loadConfig({ tree: replaceAt(defaultTree, path, junk) }, factories, env);
      checkOutcome(r);
      for (const p of r.problems) expect(p.path === '' || /^(receivers|processors|exporters|connectors|service|storage|signals|[^.]+)(\.|$)/.test(p.path)).toBe(true);
    }), fuzz(1500));
  });
});

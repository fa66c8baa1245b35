// Every component folder has one shape: index.ts exporting only its factory, config.ts, <type>.ts
// for the implementation, README.md, and tests beside them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinFactories } from './factories.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const folders = ['receivers', 'processors', 'exporters', 'connectors'].flatMap((kind) =>
  readdirSync(join(root, kind)).filter((d) => statSync(join(root, kind, d)).isDirectory()).map((d) => [kind, d] as const));

describe('component folders', () => {
  it('every built-in factory has a folder named for its type, and every folder a registered factory', () => {
    const types = builtinFactories.map((f) => `${f.kind}s/${f.type}`).sort();
    expect(folders.map(([k, d]) => `${k}/${d}`).sort()).toEqual([...new Set(types)].sort());
  });

  it.each(folders.map(([k, d]) => [`${k}/${d}`, k, d]))('%s has index.ts, config.ts, <type>.ts and README.md; index.ts exports only the factory', (_name, kind, dir) => {
    const files = readdirSync(join(root, kind, dir));
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'config.ts', `${dir}.ts`, 'README.md']));
    const index = readFileSync(join(root, kind, dir, 'index.ts'), 'utf8');
    const exported = [...index.matchAll(/^export\s+(?:const|function|class|type|interface|\{)[^\n]*/gm)].map((m) => m[0]);
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatch(/^export const \w+Factory: \w+Factory</);
  });
});

describe('notifier folders', () => {
  const dirs = readdirSync(join(root, 'notifiers')).filter((d) => statSync(join(root, 'notifiers', d)).isDirectory());

  it('every built-in notifier has a folder named for its type, and every folder a registered notifier', async () => {
    const { builtinNotifiers } = await import('./notifiers/registry.js');
    expect([...dirs].sort()).toEqual(builtinNotifiers.map((f) => f.type).sort());
  });

  it.each(dirs.map((d) => [`notifiers/${d}`, d]))('%s has index.ts, config.ts, <type>.ts and README.md; index.ts exports only the factory', (_name, dir) => {
    const files = readdirSync(join(root, 'notifiers', dir));
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'config.ts', `${dir}.ts`, 'README.md']));
    const index = readFileSync(join(root, 'notifiers', dir, 'index.ts'), 'utf8');
    const exported = [...index.matchAll(/^export\s+(?:const|function|class|type|interface|\{)[^\n]*/gm)].map((m) => m[0]);
    expect(exported).toEqual([expect.stringMatching(/^export const \w+NotifierFactory: NotifierFactory</)]);
  });
});

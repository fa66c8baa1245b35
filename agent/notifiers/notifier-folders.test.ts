// Every notifier folder has the component shape and a registered factory, and every factory's
// contract holds: kind, default config, secrets that exist and get redacted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from './api.js';
import { builtinNotifiers } from './registry.js';

const root = fileURLToPath(new URL('../../notifiers', import.meta.url));
const folders = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory());

/** A complete, valid config per notifier type built here, with every secret set. */
const fullConfigs: Record<string, Record<string, unknown>> = {
  teams: { webhook_url: 'https://prod.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=s3cret' },
  email: { smtp: { host: 'smtp.example.com', username: 'alerts', password: 's3cret' }, from: 'alerts@example.com', to: ['team@example.com'] },
  webhook: { url: 'https://ops.example.com/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', headers: { authorization: 'Bearer s3cret' } },
  alertmanager: { url: 'http://alertmanager:9093', basic_auth: { username: 'am', password: 's3cret' } },
};

describe('notifier folders', () => {
  it('every folder under notifiers/ has a registered factory of that type, and no factory lacks its folder', () => {
    expect(builtinNotifiers.map((f) => f.type).sort()).toEqual([...folders].sort());
  });

  it.each(folders)('notifiers/%s has index.ts, config.ts, <type>.ts and README.md; index.ts exports only the factory', (dir) => {
    expect(readdirSync(join(root, dir))).toEqual(expect.arrayContaining(['index.ts', 'config.ts', `${dir}.ts`, 'README.md']));
    const index = readFileSync(join(root, dir, 'index.ts'), 'utf8');
    const exported = [...index.matchAll(/^export\s+(?:const|function|class|type|interface|\{)[^\n]*/gm)].map((m) => m[0]);
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatch(/^export const \w+NotifierFactory: NotifierFactory</);
    const readme = readFileSync(join(root, dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/^## Config\n\n\| key \| type \| default \| meaning \|/m);
  });
});

describe.each(builtinNotifiers.filter((f) => fullConfigs[f.type]).map((f) => [f.type, f] as const))('%s notifier factory', (type, f) => {
  it('is a notifier whose full config validates; the default config names only the required keys as missing', () => {
    expect(f.kind).toBe('notifier');
    expect(f.validate(fullConfigs[type])).toEqual([]);
    const problems = f.validate(f.createDefaultConfig());
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.message).not.toMatch(/unknown key/);
  });

  it('every secret key exists in the config and is redacted', () => {
    const parsed = f.parse(fullConfigs[type]);
    const redacted = JSON.stringify(redactSecrets(parsed, f.secrets));
    expect(f.secrets.length).toBeGreaterThan(0);
    expect(redacted).not.toContain('s3cret');
    expect(redacted).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(redacted.split('<redacted>').length - 1).toBe(f.secrets.filter((k) => k.split('.').reduce<any>((o, key) => o?.[key], parsed) !== undefined).length);
  });
});

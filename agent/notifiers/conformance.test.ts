// Every registered notifier type: unknown keys refused, the service's delivery keys left to the
// service, secrets named in the schema and never quoted in a config problem.
import { describe, expect, it } from 'vitest';
import { builtinNotifiers } from './registry.js';
import { DELIVERY_KEYS } from './delivery-config.js';

describe.each(builtinNotifiers.map((f) => [f.type, f] as const))('notifier %s', (_type, factory) => {
  it('refuses unknown keys, and the delivery keys the service reserves', () => {
    expect(factory.validate({ surely_not_a_key: 1 })).toContainEqual(expect.objectContaining({ path: 'surely_not_a_key', message: 'unknown key' }));
    for (const key of DELIVERY_KEYS) expect(factory.validate({ [key]: {} })).toContainEqual(expect.objectContaining({ path: key, message: 'unknown key' }));
  });

  it('names secrets that are keys of its config', () => {
    const shape = (factory.schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
    for (const s of factory.secrets) expect(Object.keys(shape)).toContain(s.split('.')[0]);
  });

  it('never quotes a secret’s value in a config problem', () => {
    for (const s of factory.secrets) {
      const raw: Record<string, unknown> = {};
      let node = raw;
      const keys = s.split('.');
      for (const k of keys.slice(0, -1)) node = (node[k] = {}) as Record<string, unknown>;
      node[keys.at(-1)!] = 'not valid SECRET-VALUE-123 ::';
      expect(JSON.stringify(factory.validate(raw))).not.toContain('SECRET-VALUE-123');
    }
  });
});

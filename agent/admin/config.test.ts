// The admin section as the agent validates it: defaults, and its port checked against the others.
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../component.js';
import { factoryMap } from '../factories.js';
import { validateConfig } from '../../config/validate.js';
import { sinkConfig } from '../../test/kit/config.js';
import { createSink } from '../../test/kit/sink.js';
import { adminConfigSchema } from './config.js';

const TOKEN = 'config-test-token-0123456789';

describe('admin config', () => {
  it('defaults to loopback 13133, no token, closed reads, 10 failures a minute', () => {
    expect(adminConfigSchema.parse({})).toEqual({ endpoint: '127.0.0.1:13133', token: '', tokens: [], open_reads: false, audit_retention: 7_776_000_000, auth_failures: { limit: 10, window: 60_000 } });
  });

  it('refuses an admin endpoint another listener uses, when the admin server would run', () => {
    const factories = factoryMap([createSink().factory]);
    const base = sinkConfig();
    const clash = { ...base, service: { ...base.service, telemetry: { endpoint: '127.0.0.1:19464' } }, admin: { endpoint: '127.0.0.1:19464', token: TOKEN } };
    expect(validateConfig(clash, factories).problems.map(formatProblem)).toEqual(["admin.endpoint: '127.0.0.1:19464' is already used by service.telemetry.endpoint"]);
    // without a token the admin server does not listen, so there is no clash
    expect(validateConfig({ ...clash, admin: { endpoint: '127.0.0.1:19464' } }, factories).problems).toEqual([]);
  });
});

describe('audit retention', () => {
  it('deletes entries older than the retention', async () => {
    const { Store } = await import('../store/store.js');
    const { AuditLog } = await import('./audit.js');
    const store = new Store(':memory:');
    const log = new AuditLog(store, 1000);
    log.record({ at: 1, who: 'a', action: 'x', target: '', before: null, after: null });
    log.record({ at: 5000, who: 'b', action: 'y', target: '', before: null, after: { k: 1 } });
    expect(log.trim(5500)).toBe(1);
    expect(log.list(10).map((e) => e.who)).toEqual(['b']);
    store.close();
  });
});

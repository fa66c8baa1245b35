// The admin service inside a real agent: off without a token, on a real socket with one, a reload
// through the API applies the changed file like SIGHUP, and a bad file is refused and audited.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../agent.js';
import { sinkConfig, tempDir } from '../../test/kit/config.js';
import { createSink } from '../../test/kit/sink.js';
import { ADMIN } from './index.js';
import { fakeNotifiersService } from '../../test/kit/fake-services.js';

const TOKEN = 'service-test-token-0123456789';
let agent: Agent | undefined;
afterEach(async () => { await agent?.stop(); agent = undefined; });

const logger = pino({ level: 'silent' });

describe('admin service in the agent', () => {
  it('does not listen without a token (every agent test keeps 13133 free)', async () => {
    const sink = createSink();
    agent = await Agent.start(sinkConfig(), { factories: [sink.factory], logger });
    expect(agent.service(ADMIN)?.address).toBe('');
  });

  it('serves the API on its endpoint; reload through the API applies the file as SIGHUP does', async () => {
    const sink = createSink();
    const dir = tempDir();
    const path = join(dir, 'config.yaml');
    const cfg = { ...sinkConfig({ dir }), admin: { endpoint: '127.0.0.1:0', token: '${env:ADMIN_TOKEN}' } };
    writeFileSync(path, stringify(cfg));
    agent = await Agent.start({ path }, { factories: [sink.factory], logger, env: { ADMIN_TOKEN: TOKEN } });
    const base = `http://${agent.service(ADMIN)!.address}`;
    const auth = { authorization: `Bearer ${TOKEN}` };

    const unauth = await fetch(`${base}/api/status`);
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('www-authenticate')).toBe('Bearer realm="outrider"');
    const status = await (await fetch(`${base}/api/status`, { headers: auth })).json();
    expect(status.pipelines.map((p: { name: string }) => p.name)).toEqual(['traces', 'metrics', 'logs']);
    expect(status.components).toContainEqual(expect.objectContaining({ id: 'service:admin', status: 'ok' }));
    const config = await (await fetch(`${base}/api/config`, { headers: auth })).json();
    expect(config.admin.token).toBe('<redacted>');
    expect(JSON.stringify(config)).not.toContain(TOKEN);

    // the file gains a processor: the reload through the API applies it
    writeFileSync(path, stringify({ ...cfg, processors: { batch: { timeout: '20ms' }, 'batch/extra': {} }, service: { ...cfg.service, pipelines: { ...cfg.service.pipelines, traces: { ...cfg.service.pipelines.traces, processors: ['batch', 'batch/extra'] } } } }));
    const ok = await (await fetch(`${base}/api/config/reload`, { method: 'POST', headers: auth })).json();
    expect(ok.outcome).toBe('ok');
    expect(ok.created).toContain('processor:batch/extra@traces');
    // a broken file changes nothing and says why
    writeFileSync(path, 'receivers: [');
    const refused = await (await fetch(`${base}/api/config/reload`, { method: 'POST', headers: auth })).json();
    expect(refused.outcome).toBe('refused');
    expect(refused.problems.length).toBeGreaterThan(0);
    const audit = await (await fetch(`${base}/api/audit`, { headers: auth })).json();
    expect(audit.map((e: { action: string; target: string }) => `${e.action}:${e.target}`)).toEqual(['config.reload:refused', 'config.reload:ok']);
  });
});

/** One raw HTTP/1.1 request (no client-side path normalization); the whole answer as text. */
function rawGet(address: string, path: string): Promise<string> {
  const i = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const sock = connect(Number(address.slice(i + 1)), address.slice(0, i), () => sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    sock.on('data', (d) => { text += String(d); });
    sock.on('end', () => resolve(text));
    sock.on('error', reject);
  });
}

describe('path traversal over a real socket', () => {
  it('raw ../ and encoded forms never reach a file outside the console folder', async () => {
    const sink = createSink();
    agent = await Agent.start({ ...sinkConfig(), admin: { endpoint: '127.0.0.1:0', token: TOKEN } }, { factories: [sink.factory], logger });
    const address = agent.service(ADMIN)!.address;
    for (const path of ['/ui/../../../../etc/passwd', '/ui/..%2f..%2f..%2f..%2fetc%2fpasswd', '/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/../../etc/passwd', '/ui/..\\..\\admin.ts']) {
      const answer = await rawGet(address, path);
      expect(answer, path).toMatch(/^HTTP\/1\.1 (400|404) /);
      expect(answer).not.toContain('root:');
    }
    expect(await rawGet(address, '/ui/console.css')).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('open reads', () => {
  it('are ignored (reads need the token) when the endpoint is not loopback', async () => {
    const sink = createSink();
    agent = await Agent.start({ ...sinkConfig(), admin: { endpoint: '0.0.0.0:0', token: TOKEN, open_reads: true } }, { factories: [sink.factory], logger });
    const port = agent.service(ADMIN)!.address.split(':').pop();
    expect((await fetch(`http://127.0.0.1:${port}/api/status`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('are served without a token on loopback', async () => {
    const sink = createSink();
    agent = await Agent.start({ ...sinkConfig(), admin: { endpoint: '127.0.0.1:0', open_reads: true } }, { factories: [sink.factory], logger });
    const base = `http://${agent.service(ADMIN)!.address}`;
    expect((await fetch(`${base}/api/status`)).status).toBe(200);
    expect((await fetch(`${base}/api/config/reload`, { method: 'POST' })).status).toBe(401);
  });
});

describe('secrets in a running agent', () => {
  it('no webhook URL, routing key, SMTP password or token in the logs, /api/config or /api/channels', async () => {
    const secrets = ['https://hooks.slack.com/services/T9/B9/LOGSECRET0001', 'PDROUTINGKEY00000000000000000LOG', 'smtp-password-log-0001', TOKEN];
    const lines: string[] = [];
    const traceLogger = pino({ level: 'trace' }, new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
    const dir = tempDir();
    const path = join(dir, 'config.yaml');
    writeFileSync(path, stringify({
      ...sinkConfig({ dir }),
      notifiers: { 'slack/oncall': { webhook_url: '${env:SLACK}' }, 'pagerduty/primary': { routing_key: '${env:PD}' }, 'email/team': { smtp: { host: 'h', password: '${env:SMTP}' } } },
      admin: { endpoint: '127.0.0.1:0', token: '${env:ADMIN_TOKEN}' },
    }));
    agent = await Agent.start({ path }, { factories: [createSink().factory, fakeNotifiersService()], logger: traceLogger, env: { SLACK: secrets[0], PD: secrets[1], SMTP: secrets[2], ADMIN_TOKEN: TOKEN } });
    const base = `http://${agent.service(ADMIN)!.address}`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bodies = [
      await (await fetch(`${base}/api/config`, { headers: auth })).text(),
      await (await fetch(`${base}/api/channels`, { headers: auth })).text(),
      await (await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${secrets[1]}` } })).text(),
      await (await fetch(`${base}/api/config/reload`, { method: 'POST', headers: auth })).text(),
      await (await fetch(`${base}/api/audit`, { headers: auth })).text(),
      await (await fetch(`${base}/`)).text(),
    ];
    expect(JSON.parse(bodies[1]!).map((c: { config: unknown }) => c.config)).toEqual([{ webhook_url: '<redacted>' }, { routing_key: '<redacted>' }, { smtp: { host: 'h', password: '<redacted>' } }]);
    await agent.stop();
    agent = undefined;
    for (const text of [...bodies, lines.join('')]) for (const s of secrets) expect(text).not.toContain(s);
    expect(lines.join('')).toContain('admin: serving the API');
  });
});

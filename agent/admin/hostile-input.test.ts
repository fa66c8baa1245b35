// Hostile input to the admin API: SQL-injection strings in ids, queries and bodies are plain data;
// path traversal (plain and encoded) never leaves the console's folder; markup is never rendered.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAdmin, type TestAdmin } from '../../test/kit/admin-app.js';
import { readInside, UI_DIR } from './static-files.js';
import { docsPage, escapeHtml } from './docs.js';

let t: TestAdmin;
afterEach(async () => { await t?.close(); });

const INJECTIONS = ["1' OR '1'='1", "x'; DROP TABLE admin_audit; --", '1 UNION SELECT * FROM sqlite_master', '"; DELETE FROM cost_rollups; --'];

describe('SQL injection', () => {
  it('ids in paths are looked up as data: 404, and the tables are intact', async () => {
    t = await startTestAdmin();
    await t.app.inject({ method: 'POST', url: '/api/alerts', headers: t.auth, payload: { name: 'seed', severity: 'low' } });
    for (const s of INJECTIONS) {
      const id = encodeURIComponent(s);
      for (const [method, url] of [['POST', `/api/alerts/${id}/ack`], ['DELETE', `/api/silences/${id}`], ['PUT', `/api/alert-rules/${id}`], ['GET', `/api/slos/${id}`], ['GET', `/api/alerts/${id}`]] as const) {
        const r = await t.app.inject({ method, url, headers: t.auth, payload: method === 'PUT' ? { name: 'x' } : undefined });
        expect([400, 404], `${method} ${url}`).toContain(r.statusCode);
      }
    }
    const audit = await t.app.inject({ url: '/api/audit', headers: t.auth });
    expect(audit.json().map((e: { action: string }) => e.action)).toEqual(['alert.trigger']);
  });

  it('query parameters that would be SQL are refused by the schema or read as data', async () => {
    t = await startTestAdmin();
    for (const s of INJECTIONS) {
      const r = await t.app.inject({ url: `/api/costs?groupBy=${encodeURIComponent(s)}`, headers: t.auth });
      expect(r.statusCode).toBe(400);
      expect(r.json().message).toMatch(/^querystring\.groupBy must match pattern/);
      expect((await t.app.inject({ url: `/api/audit?before=${encodeURIComponent(s)}`, headers: t.auth })).statusCode).toBe(400);
    }
  });

  it('bodies carrying SQL are stored and returned verbatim, and the audit log still reads', async () => {
    t = await startTestAdmin();
    const r = await t.app.inject({ method: 'POST', url: '/api/alerts', headers: t.auth, payload: { name: INJECTIONS[1], severity: 'low', labels: { q: INJECTIONS[0]! } } });
    expect(r.statusCode).toBe(201);
    expect(r.json().name).toBe(INJECTIONS[1]);
    const audit = (await t.app.inject({ url: '/api/audit', headers: t.auth })).json();
    expect(audit[0].after).toEqual({ name: INJECTIONS[1], severity: 'low', labels: { q: INJECTIONS[0] } });
  });
});

describe('path traversal', () => {
  const attempts = [
    '/ui/../../etc/passwd', '/ui/..%2f..%2f..%2fetc%2fpasswd', '/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/ui/%2e%2e%2f%2e%2e%2fpackage.json',
    '/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/ui/....//....//etc/passwd', '/ui/%252e%252e%252fetc%252fpasswd',
    '/ui/console.js%00.html', '/ui/../admin.ts', '/ui/..%5c..%5cadmin.ts', '/ui/%2fetc%2fpasswd',
  ];

  it.each(attempts)('%s is a 404 with nothing from outside the folder', async (url) => {
    t = await startTestAdmin();
    const r = await t.app.inject({ url });
    expect(r.statusCode).toBe(404);
    expect(r.json().error).toBe('NOT_FOUND');
    expect(r.body).not.toMatch(/root:|createAdminService|"name": "outrider"/);
  });

  it('readInside refuses paths resolving outside the folder and unlisted file types', async () => {
    expect(await readInside(UI_DIR, '../admin.ts')).toBeUndefined();
    expect(await readInside(UI_DIR, '../../../../etc/passwd')).toBeUndefined();
    expect(await readInside(UI_DIR, '/etc/passwd')).toBeUndefined();
    expect(await readInside(UI_DIR, 'console.js\0.html')).toBeUndefined();
    expect((await readInside(UI_DIR, 'console.js'))?.type).toBe('text/javascript; charset=utf-8');
  });
});

describe('markup', () => {
  it('escapes every value in the /docs page', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;');
    const html = docsPage({ info: { title: '<b>t</b>', version: '1' }, paths: { '/api/<x>': { get: { summary: '<img src=x onerror=alert(1)>' } } } });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>t');
  });

  it('the console builds its DOM from text nodes only (no innerHTML, no eval)', async () => {
    const js = (await readInside(UI_DIR, 'console.js'))!.body.toString('utf8');
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    const html = (await readInside(UI_DIR, 'index.html'))!.body.toString('utf8');
    expect(html).not.toMatch(/<script>|style=|\son[a-z]+=|https?:\/\//);
  });
});

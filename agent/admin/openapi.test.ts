// The OpenAPI document generated from the routes' schemas validates and lists every route of DESIGN.md.
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAdmin, type TestAdmin } from '../../test/kit/admin-app.js';

let t: TestAdmin;
afterEach(async () => { await t?.close(); });

/** The admin API of DESIGN.md, plus the SLO history and single-alert reads. */
const ROUTES = [
  'get /api/status', 'get /api/slos', 'get /api/slos/{name}', 'get /api/slos/{name}/history',
  'get /api/alerts', 'post /api/alerts', 'get /api/alerts/{id}', 'post /api/alerts/{id}/ack', 'post /api/alerts/{id}/resolve', 'get /api/alerts/stats',
  'get /api/alert-rules', 'post /api/alert-rules', 'put /api/alert-rules/{id}', 'delete /api/alert-rules/{id}',
  'get /api/channels', 'post /api/channels', 'put /api/channels/{id}', 'delete /api/channels/{id}', 'post /api/channels/{id}/test',
  'get /api/silences', 'post /api/silences', 'delete /api/silences/{id}',
  'get /api/costs', 'post /api/metrics', 'get /api/metrics/{name}',
  'get /api/config', 'post /api/config/reload', 'get /api/audit',
];

describe('OpenAPI', () => {
  it('validates with swagger-parser and lists every route with its error replies', async () => {
    t = await startTestAdmin();
    const r = await t.app.inject({ url: '/docs/json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(listed.sort()).toEqual([...ROUTES].sort());
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [m, op] of Object.entries(ops)) expect(Object.keys(op.responses), `${m} ${p}`).toContain('401');
    }
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('serves a self-contained HTML page at /docs listing the routes', async () => {
    t = await startTestAdmin();
    const r = await t.app.inject({ url: '/docs' });
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<code>/api/alerts/{id}/ack</code>');
    expect(r.body).not.toMatch(/<script|https?:\/\/(?!)/);
  });
});

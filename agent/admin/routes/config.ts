// GET /api/config (the effective config, secrets redacted), POST /api/config/reload (as SIGHUP), GET /api/audit.
import type { FastifyInstance } from 'fastify';
import { CONTROL } from '../../control.js';
import type { AdminContext } from '../context.js';
import { redactConfig } from '../redact.js';
import { anyObject, errorReplies } from '../schemas.js';

const strings = { type: 'array', items: { type: 'string' } } as const;

export function configRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const control = () => ctx.need(CONTROL, 'the agent');

  app.get('/api/config', {
    schema: { tags: ['config'], summary: 'The effective config (after ${env:…} substitution), every secret redacted', response: { 200: anyObject, ...errorReplies(503) } },
  }, async () => redactConfig(control().config().tree, ctx.notifierFactories));

  app.post('/api/config/reload', {
    schema: {
      tags: ['config'], summary: 'Reload the config file, as SIGHUP does: a bad file changes nothing',
      response: {
        200: {
          type: 'object', required: ['outcome', 'problems'],
          properties: {
            outcome: { type: 'string', enum: ['ok', 'refused', 'unchanged'] },
            problems: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
            created: strings, kept: strings, stopped: strings,
          },
        },
        ...errorReplies(503),
      },
    },
  }, async (req) => {
    const c = control();
    const before = redactConfig(c.config().tree, ctx.notifierFactories);
    const result = await c.reload();
    const after = result.outcome === 'ok' ? redactConfig(c.config().tree, ctx.notifierFactories) : null;
    ctx.audit.record({ at: ctx.clock.now(), who: ctx.who(req), action: 'config.reload', target: result.outcome, before: result.outcome === 'ok' ? before : null, after });
    return { ...result, problems: result.problems.map((p) => ({ path: p.path, message: [...ctx.secrets()].reduce((m, s) => (s.length >= 4 ? m.split(s).join('<redacted>') : m), p.message) })) };
  });

  app.get('/api/audit', {
    schema: {
      tags: ['audit'], summary: 'Changes made through the API, newest first (who is the token name; before/after redacted)',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, before: { type: 'integer', minimum: 1 } } },
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object', required: ['id', 'at', 'who', 'action', 'target'],
            properties: { id: { type: 'number' }, at: { type: 'number' }, who: { type: 'string' }, action: { type: 'string' }, target: { type: 'string' }, before: {}, after: {} },
          },
        },
        ...errorReplies(400),
      },
    },
  }, async (req) => {
    const { limit, before } = req.query as { limit: number; before?: number };
    return ctx.audit.list(limit, before);
  });
}

// /api/alert-rules: list (with source file|api), create, replace, delete. The alerting engine
// validates a rule like the file, stores it in SQLite and applies it at the next evaluation.
import type { FastifyInstance } from 'fastify';
import { ALERTING } from '../../alerting/api.js';
import { errors } from '../../errors.js';
import { applying, type AdminContext } from '../context.js';
import { scrub } from '../redact.js';
import { errorReplies, idParams, ruleBodySchema, ruleRecordSchema } from '../schemas.js';

export function alertRuleRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const alerting = () => ctx.need(ALERTING, 'alerting');
  const tags = ['alert rules'];
  const redact = <T>(v: T) => scrub(v, ctx.secrets());

  app.get('/api/alert-rules', {
    schema: { tags, summary: 'Alert rules, from the file and from the API', response: { 200: { type: 'array', items: ruleRecordSchema }, ...errorReplies(503) } },
  }, async () => alerting().rules().map(redact));

  app.post('/api/alert-rules', {
    schema: { tags, summary: 'Create a rule (validated like the file, stored, applied at the next evaluation)', body: ruleBodySchema, response: { 201: ruleRecordSchema, ...errorReplies(400, 409, 503) } },
  }, async (req, reply) => {
    const who = ctx.who(req);
    const created = applying(() => alerting().addRule(req.body, who));
    ctx.audit.record({ at: ctx.clock.now(), who, action: 'alert-rule.create', target: created.id, before: null, after: redact(created.rule) });
    return reply.code(201).send(redact(created));
  });

  app.put('/api/alert-rules/:id', {
    schema: { tags, summary: 'Replace an API rule (file rules cannot be replaced)', params: idParams, body: ruleBodySchema, response: { 200: ruleRecordSchema, ...errorReplies(400, 404, 409, 503) } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const who = ctx.who(req);
    const api = alerting();
    const before = api.rules().find((r) => r.id === id);
    if (!before) throw errors.notFound(`no alert rule with id '${id}'`);
    if (before.source === 'file') throw errors.conflict(`alert rule '${id}' is defined in the config file; change it there`);
    const updated = applying(() => api.updateRule(id, req.body, who)) ?? notFound(id);
    ctx.audit.record({ at: ctx.clock.now(), who, action: 'alert-rule.update', target: id, before: redact(before.rule), after: redact(updated.rule) });
    return redact(updated);
  });

  app.delete('/api/alert-rules/:id', {
    schema: { tags, summary: 'Delete an API rule', params: idParams, response: { 204: { type: 'null' }, ...errorReplies(400, 404, 409, 503) } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const who = ctx.who(req);
    const api = alerting();
    const before = api.rules().find((r) => r.id === id);
    if (!before) throw errors.notFound(`no alert rule with id '${id}'`);
    if (before.source === 'file') throw errors.conflict(`alert rule '${id}' is defined in the config file; remove it there`);
    if (!api.deleteRule(id, who)) notFound(id);
    ctx.audit.record({ at: ctx.clock.now(), who, action: 'alert-rule.delete', target: id, before: redact(before.rule), after: null });
    return reply.code(204).send();
  });
}

function notFound(id: string): never {
  throw errors.notFound(`no alert rule with id '${id}'`);
}

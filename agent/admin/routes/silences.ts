// /api/silences: list, create, delete. A silence mutes notifications of matching alerts until endsAt.
import type { FastifyInstance } from 'fastify';
import { ALERTING } from '../../alerting/api.js';
import { errors } from '../../errors.js';
import type { AdminContext } from '../context.js';
import { scrub } from '../redact.js';
import { errorReplies, idParams, silenceBodySchema, silenceSchema } from '../schemas.js';

type Body = { matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual: boolean }>; startsAt?: number; endsAt: number; comment: string };

export function silenceRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const alerting = () => ctx.need(ALERTING, 'alerting');
  const tags = ['silences'];

  app.get('/api/silences', {
    schema: { tags, summary: 'Silences', response: { 200: { type: 'array', items: silenceSchema }, ...errorReplies(503) } },
  }, async () => alerting().silences());

  app.post('/api/silences', {
    schema: { tags, summary: 'Create a silence (createdBy is the token name)', body: silenceBodySchema, response: { 201: silenceSchema, ...errorReplies(400, 503) } },
  }, async (req, reply) => {
    const body = req.body as Body;
    const now = ctx.clock.now();
    if (body.endsAt <= now) throw errors.invalidData(`body.endsAt must be in the future (epoch ms), got ${body.endsAt}`);
    if (body.startsAt !== undefined && body.startsAt >= body.endsAt) throw errors.invalidData('body.startsAt must be before body.endsAt');
    for (const [i, m] of body.matchers.entries()) {
      if (!m.isRegex) continue;
      try { new RegExp(m.value); } catch (e) { throw errors.invalidData(`body.matchers.${i}.value is not a valid regular expression: ${(e as Error).message}`); }
    }
    const who = ctx.who(req);
    const created = alerting().addSilence({ ...body, createdBy: who });
    ctx.audit.record({ at: now, who, action: 'silence.create', target: created.id, before: null, after: scrub(created, ctx.secrets()) });
    return reply.code(201).send(created);
  });

  app.delete('/api/silences/:id', {
    schema: { tags, summary: 'Expire a silence', params: idParams, response: { 204: { type: 'null' }, ...errorReplies(400, 404, 503) } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const api = alerting();
    const before = api.silences().find((s) => s.id === id);
    if (!before || !api.deleteSilence(id)) throw errors.notFound(`no silence with id '${id}'`);
    ctx.audit.record({ at: ctx.clock.now(), who: ctx.who(req), action: 'silence.delete', target: id, before: scrub(before, ctx.secrets()), after: null });
    return reply.code(204).send();
  });
}

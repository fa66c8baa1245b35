// /api/channels: notifier instances (`type/name`) with secrets redacted; API channels are created,
// replaced and deleted here, file channels only listed; POST /api/channels/:id/test sends one now.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';
import { NOTIFIERS, type ChannelRecord } from '../../notifiers/api.js';
import { applying, type AdminContext } from '../context.js';
import { redactChannel, scrub } from '../redact.js';
import { anyObject, channelId, channelSchema, errorReplies } from '../schemas.js';

const channelParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: channelId } } as const;
const testReply = {
  type: 'object', required: ['outcome'],
  properties: { outcome: { type: 'string', enum: ['sent', 'retry', 'rejected'] }, detail: { type: 'string' }, retryAfterMs: { type: 'number' } },
} as const;

export function channelRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const notifiers = () => ctx.need(NOTIFIERS, 'notifiers');
  const tags = ['channels'];
  const shown = (c: ChannelRecord) => ({ ...c, config: scrub(c.config, ctx.secrets()) });
  const find = (id: string) => notifiers().channels().find((c) => c.id === id);
  const audited = (id: string, config: unknown) => redactChannel(id, config, ctx.notifierFactories, ctx.secrets());

  app.get('/api/channels', {
    schema: { tags, summary: 'Notification channels (secrets redacted), from the file and from the API', response: { 200: { type: 'array', items: channelSchema }, ...errorReplies(503) } },
  }, async () => notifiers().channels().map(shown));

  app.post('/api/channels', {
    schema: {
      tags, summary: 'Create an API channel',
      body: { type: 'object', required: ['id', 'config'], additionalProperties: false, properties: { id: channelId, config: anyObject } },
      response: { 201: channelSchema, ...errorReplies(400, 409, 503) },
    },
  }, async (req, reply) => {
    const { id, config } = req.body as { id: string; config: Record<string, unknown> };
    if (find(id)) throw errors.conflict(`channel '${id}' already exists; PUT /api/channels/${encodeURIComponent(id)} replaces an API channel`);
    const created = applying(() => notifiers().putChannel(id, config));
    ctx.audit.record({ at: ctx.clock.now(), who: ctx.who(req), action: 'channel.create', target: id, before: null, after: audited(id, config) });
    return reply.code(201).send(shown(created));
  });

  app.put('/api/channels/:id', {
    schema: { tags, summary: 'Replace an API channel (id `type/name`, its slash encoded as %2F)', params: channelParams, body: anyObject, response: { 200: channelSchema, ...errorReplies(400, 404, 409, 503) } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const before = find(id);
    if (!before) throw errors.notFound(`no channel with id '${id}'`);
    if (before.source === 'file') throw errors.conflict(`channel '${id}' is defined in the config file; change it there`);
    const updated = applying(() => notifiers().putChannel(id, req.body));
    ctx.audit.record({ at: ctx.clock.now(), who: ctx.who(req), action: 'channel.update', target: id, before: scrub(before.config, ctx.secrets()), after: audited(id, req.body) });
    return shown(updated);
  });

  app.delete('/api/channels/:id', {
    schema: { tags, summary: 'Delete an API channel', params: channelParams, response: { 204: { type: 'null' }, ...errorReplies(400, 404, 409, 503) } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const before = find(id);
    if (!before) throw errors.notFound(`no channel with id '${id}'`);
    if (before.source === 'file') throw errors.conflict(`channel '${id}' is defined in the config file; remove it there`);
    if (!notifiers().deleteChannel(id)) throw errors.notFound(`no channel with id '${id}'`);
    ctx.audit.record({ at: ctx.clock.now(), who: ctx.who(req), action: 'channel.delete', target: id, before: scrub(before.config, ctx.secrets()), after: null });
    return reply.code(204).send();
  });

  app.post('/api/channels/:id/test', {
    schema: { tags, summary: 'Send a test notification now (bypasses the outbox)', params: channelParams, response: { 200: testReply, ...errorReplies(400, 404, 503) } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const api = notifiers();
    if (!api.has(id)) throw errors.notFound(`no channel with id '${id}'`);
    const result = await api.test(id);
    ctx.audit.record({ at: ctx.clock.now(), who: ctx.who(req), action: 'channel.test', target: id, before: null, after: { outcome: result.outcome } });
    return { ...result, ...('detail' in result && result.detail !== undefined ? { detail: scrub(result.detail, ctx.secrets()) } : {}) };
  });
}

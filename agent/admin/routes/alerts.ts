// /api/alerts: list by state, one alert, manual trigger, acknowledge, resolve, stats.
import type { FastifyInstance } from 'fastify';
import { ALERTING } from '../../alerting/api.js';
import type { Severity, AlertState } from '../../alerting/model.js';
import { errors } from '../../errors.js';
import type { AdminContext } from '../context.js';
import { scrub } from '../redact.js';
import { alertSchema, alertState, errorReplies, idParams, severity, stringMap } from '../schemas.js';

const byState = { type: 'object', additionalProperties: { type: 'number' } } as const;
const mean = { type: ['number', 'null'] } as const;
const statsSchema = {
  type: 'object', required: ['byState', 'bySeverity', 'mttaMs', 'mttrMs', 'perRule'],
  properties: {
    byState, bySeverity: byState, mttaMs: mean, mttrMs: mean,
    perRule: { type: 'array', items: { type: 'object', properties: { rule: { type: 'string' }, fired: { type: 'number' }, resolved: { type: 'number' }, mttaMs: mean, mttrMs: mean } } },
  },
} as const;

export function alertRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const alerting = () => ctx.need(ALERTING, 'alerting');
  const tags = ['alerts'];

  app.get('/api/alerts', {
    schema: {
      tags, summary: 'Alerts, optionally of one state',
      querystring: { type: 'object', additionalProperties: false, properties: { state: alertState } },
      response: { 200: { type: 'array', items: alertSchema }, ...errorReplies(400, 503) },
    },
  }, async (req) => scrub(alerting().alerts({ state: (req.query as { state?: AlertState }).state }), ctx.secrets()));

  app.get('/api/alerts/stats', {
    schema: { tags, summary: 'Counts by state and severity, mean time to acknowledge and resolve', response: { 200: statsSchema, ...errorReplies(503) } },
  }, async () => alerting().stats());

  app.get('/api/alerts/:id', {
    schema: { tags, summary: 'One alert', params: idParams, response: { 200: alertSchema, ...errorReplies(400, 404, 503) } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    return scrub(alerting().alert(id) ?? notFound(id), ctx.secrets());
  });

  app.post('/api/alerts', {
    schema: {
      tags, summary: 'Trigger a manual alert (fires at once, routed like any other)',
      body: {
        type: 'object', required: ['name', 'severity'], additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, severity, labels: stringMap, annotations: stringMap },
      },
      response: { 201: alertSchema, ...errorReplies(400, 503) },
    },
  }, async (req, reply) => {
    const body = req.body as { name: string; severity: Severity; labels?: Record<string, string>; annotations?: Record<string, string> };
    const who = ctx.who(req);
    const alert = alerting().trigger(body, who);
    ctx.audit.record({ at: ctx.clock.now(), who, action: 'alert.trigger', target: alert.id, before: null, after: body });
    return reply.code(201).send(scrub(alert, ctx.secrets()));
  });

  app.post('/api/alerts/:id/ack', {
    schema: {
      tags, summary: 'Acknowledge an alert',
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { note: { type: 'string', maxLength: 1000 } } },
      response: { 200: alertSchema, ...errorReplies(400, 404, 503) },
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const who = ctx.who(req);
    const note = (req.body as { note?: string } | null)?.note;
    const api = alerting();
    const before = api.alert(id);
    const after = api.acknowledge(id, who, note) ?? notFound(id);
    ctx.audit.record({ at: ctx.clock.now(), who, action: 'alert.acknowledge', target: id, before: before?.state ?? null, after: { state: after.state, note: note ?? '' } });
    return scrub(after, ctx.secrets());
  });

  app.post('/api/alerts/:id/resolve', {
    schema: { tags, summary: 'Resolve an alert by hand', params: idParams, response: { 200: alertSchema, ...errorReplies(400, 404, 503) } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const who = ctx.who(req);
    const api = alerting();
    const before = api.alert(id);
    const after = api.resolve(id, who) ?? notFound(id);
    ctx.audit.record({ at: ctx.clock.now(), who, action: 'alert.resolve', target: id, before: before?.state ?? null, after: { state: after.state } });
    return scrub(after, ctx.secrets());
  });
}

function notFound(id: string): never {
  throw errors.notFound(`no alert with id '${id}'`);
}

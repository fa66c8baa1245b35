// /api/slos: every SLO with SLI, budget and burn rates; one SLO; its error budget over time.
import type { FastifyInstance } from 'fastify';
import { CONTROL } from '../../control.js';
import { errors } from '../../errors.js';
import { STORE } from '../../services/store-service.js';
import { SLO } from '../../../processors/slo/api.js';
import type { SloStatus } from '../../../processors/slo/evaluate.js';
import type { AdminContext } from '../context.js';
import { errorReplies } from '../schemas.js';
import { SloHistory, type HistoryDef } from '../slo-history.js';

const numMap = { type: 'object', additionalProperties: { type: 'number' } } as const;
const sloSchema = {
  type: 'object',
  required: ['name', 'service', 'objective', 'window', 'sli', 'good', 'total', 'errorBudgetRemaining', 'burnRates'],
  properties: {
    name: { type: 'string' }, service: { type: 'string' }, objective: { type: 'number' }, window: { type: 'string' },
    sli: { type: 'number' }, good: { type: 'number' }, total: { type: 'number' }, errorBudgetRemaining: { type: 'number' },
    exhaustionSeconds: { type: ['number', 'null'], description: 'seconds until the budget is spent at the 1h burn rate; null when not burning' },
    burnRates: numMap,
    tiers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          severity: { type: 'string' }, long: { type: 'string' }, short: { type: 'string' },
          factor: { type: 'number' }, burnRate: { type: 'number' }, firing: { type: 'boolean' },
        },
      },
    },
    badTraceIds: { type: 'array', items: { type: 'string' } },
  },
} as const;

const RANGES: Record<string, number> = { '1h': 3_600_000, '6h': 21_600_000, '1d': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000 };
const nameParams = { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

/** JSON has no Infinity: a budget not burning has no exhaustion time. */
function shown(s: SloStatus, badTraceIds: string[]) {
  return { ...s, exhaustionSeconds: Number.isFinite(s.exhaustionSeconds) ? s.exhaustionSeconds : null, badTraceIds };
}

export function sloRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const slos = () => ctx.need(SLO, 'slo');
  const tags = ['slos'];
  let history: SloHistory | undefined;
  const one = (name: string) => slos().get(name) ?? (() => { throw errors.notFound(`no SLO named '${name}'`); })();

  app.get('/api/slos', {
    schema: { tags, summary: 'Every SLO: objective, SLI, error budget remaining, burn rates per window', response: { 200: { type: 'array', items: sloSchema }, ...errorReplies(503) } },
  }, async () => slos().list().map((s) => shown(s, [])));

  app.get('/api/slos/:name', {
    schema: { tags, summary: 'One SLO, with recent bad-event trace ids', params: nameParams, response: { 200: sloSchema, ...errorReplies(400, 404, 503) } },
  }, async (req) => {
    const { name } = req.params as { name: string };
    return shown(one(name), slos().badTraceIds(name));
  });

  app.get('/api/slos/:name/history', {
    schema: {
      tags, summary: 'Error budget remaining over time, from the SLO minute buckets in SQLite (plus the live value now)',
      params: nameParams,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { range: { type: 'string', enum: Object.keys(RANGES), default: '1d' }, points: { type: 'integer', minimum: 2, maximum: 500, default: 60 } },
      },
      response: {
        200: {
          type: 'object', required: ['name', 'range', 'points'],
          properties: {
            name: { type: 'string' }, range: { type: 'string' },
            points: { type: 'array', items: { type: 'object', required: ['at', 'errorBudgetRemaining'], properties: { at: { type: 'number' }, errorBudgetRemaining: { type: 'number' } } } },
          },
        },
        ...errorReplies(400, 404, 503),
      },
    },
  }, async (req) => {
    const { name } = req.params as { name: string };
    const { range, points } = req.query as { range: string; points: number };
    const status = one(name);
    const now = ctx.clock.now();
    history ??= new SloHistory(ctx.need(STORE, 'storage'));
    const stored = history.budget(name, definitionOf(ctx, status), now, RANGES[range]!, points - 1);
    return { name, range, points: [...stored.filter((p) => p.at < now), { at: now, errorBudgetRemaining: status.errorBudgetRemaining }] };
  });
}

/** The SLO's definition from the running config (budgeting, calendar), else from its status. */
function definitionOf(ctx: AdminContext, s: SloStatus): HistoryDef {
  const config = ctx.host.findService(CONTROL)?.config();
  for (const c of config?.components.values() ?? []) {
    if (c.kind !== 'processor' || c.type !== 'slo') continue;
    const def = (c.config as { objectives: Array<HistoryDef & { name: string }> }).objectives.find((o) => o.name === s.name);
    if (def) return def;
  }
  const days = Number.parseInt(s.window, 10);
  return { objective: s.objective, window: (Number.isFinite(days) ? days : 30) * 86_400_000, calendar: s.window === 'month', budgeting: 'occurrences', time_slice_target: s.objective };
}

// GET /api/costs: spend grouped by service, model or an attribution key (e.g. team), over 1h, 1d
// or 30d, from the cost processor's rollups in SQLite (table cost_rollups, owner `cost`).
import type { Statement } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';
import { STORE } from '../../services/store-service.js';
import type { AdminContext } from '../context.js';
import { errorReplies } from '../schemas.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** window → rollup period and length; starts are rounded down to whole periods. */
const WINDOWS: Record<string, { period: 'hour' | 'day'; ms: number; unit: number }> = {
  '1h': { period: 'hour', ms: HOUR_MS, unit: HOUR_MS },
  '1d': { period: 'hour', ms: DAY_MS, unit: HOUR_MS },
  '30d': { period: 'day', ms: 30 * DAY_MS, unit: DAY_MS },
};
/** Fixed group columns: user input never becomes SQL text. */
const COLUMNS = { service: 'service_name', model: 'model', attribute: 'attr_value' } as const;

type Row = { key: string; kind: string; start_ms: number; usd: number; spans: number; unpriced: number };

const num = { type: 'number' } as const;
const groupSchema = {
  type: 'object', required: ['key', 'usd', 'spans', 'unpricedSpans', 'byKind', 'points'],
  properties: {
    key: { type: 'string' }, usd: num, spans: num, unpricedSpans: num,
    byKind: { type: 'object', additionalProperties: num },
    points: { type: 'array', items: { type: 'object', properties: { start: num, usd: num } } },
  },
} as const;

export function costRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const statements = new Map<string, Statement>();
  const statement = (column: string): Statement => {
    const store = ctx.need(STORE, 'storage');
    const exists = store.handle.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cost_rollups'").get();
    if (!exists) throw errors.notConfigured('no cost rollups are stored: add the cost processor (processors.cost) to a traces pipeline');
    let s = statements.get(column);
    if (!s) {
      s = store.handle.prepare(`SELECT ${column} AS key, kind, start_ms, sum(usd) AS usd, sum(spans) AS spans, sum(unpriced_spans) AS unpriced
        FROM cost_rollups WHERE period = ? AND start_ms >= ? AND attr_key = ? GROUP BY ${column}, kind, start_ms`);
      statements.set(column, s);
    }
    return s;
  };

  app.get('/api/costs', {
    schema: {
      tags: ['costs'],
      summary: 'Spend (USD, weighted by adjusted count) by service, model or attribution key (e.g. team), with unpriced spans',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          groupBy: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z_][-A-Za-z0-9_.]*$', default: 'service', description: 'service, model, or an attribution key of processors.cost.attribution.keys (e.g. team)' },
          window: { type: 'string', enum: Object.keys(WINDOWS), default: '1d' },
        },
      },
      response: {
        200: {
          type: 'object', required: ['groupBy', 'window', 'period', 'from', 'to', 'usd', 'unpricedSpans', 'groups'],
          properties: {
            groupBy: { type: 'string' }, window: { type: 'string' }, period: { type: 'string' }, from: num, to: num,
            usd: num, unpricedSpans: num, groups: { type: 'array', items: groupSchema },
          },
        },
        ...errorReplies(400, 503),
      },
    },
  }, async (req) => {
    const { groupBy, window } = req.query as { groupBy: string; window: string };
    const w = WINDOWS[window]!;
    const now = ctx.clock.now();
    const from = Math.floor((now - w.ms) / w.unit) * w.unit + w.unit;
    const column = groupBy === 'service' ? COLUMNS.service : groupBy === 'model' ? COLUMNS.model : COLUMNS.attribute;
    const attrKey = column === COLUMNS.attribute ? groupBy : '';
    const rows = statement(column).all(w.period, from, attrKey) as Row[];
    const groups = new Map<string, { key: string; usd: number; spans: number; unpricedSpans: number; byKind: Record<string, number>; byStart: Map<number, number>; spansAt: Map<number, number> }>();
    for (const r of rows) {
      let g = groups.get(r.key);
      if (!g) groups.set(r.key, g = { key: r.key, usd: 0, spans: 0, unpricedSpans: 0, byKind: {}, byStart: new Map(), spansAt: new Map() });
      g.usd += r.usd;
      // a span priced for several kinds is in each kind's row: per bucket, the largest count is the spans
      g.spansAt.set(r.start_ms, Math.max(g.spansAt.get(r.start_ms) ?? 0, r.spans));
      g.unpricedSpans += r.unpriced;
      g.byKind[r.kind] = (g.byKind[r.kind] ?? 0) + r.usd;
      g.byStart.set(r.start_ms, (g.byStart.get(r.start_ms) ?? 0) + r.usd);
    }
    const list = [...groups.values()].sort((a, b) => b.usd - a.usd).map(({ byStart, spansAt, ...g }) => ({
      ...g, spans: [...spansAt.values()].reduce((a, b) => a + b, 0), points: [...byStart].sort((a, b) => a[0] - b[0]).map(([start, usd]) => ({ start, usd })),
    }));
    return {
      groupBy, window, period: w.period, from, to: now,
      usd: list.reduce((s, g) => s + g.usd, 0), unpricedSpans: list.reduce((s, g) => s + g.unpricedSpans, 0), groups: list,
    };
  });
}

// GET /api/status: version, uptime, pipelines, every component's status and the agent's counters.
import type { FastifyInstance } from 'fastify';
import { CONTROL } from '../../control.js';
import { STATUS } from '../../status.js';
import type { AdminContext } from '../context.js';
import type { CounterSampler } from '../counters.js';
import { errorReplies } from '../schemas.js';

const strings = { type: 'array', items: { type: 'string' } } as const;
const statusSchema = {
  type: 'object', required: ['version', 'uptimeSeconds', 'pipelines', 'components', 'counters'],
  properties: {
    version: { type: 'string' }, startedAt: { type: 'number' }, uptimeSeconds: { type: 'number' },
    ready: { type: 'boolean' },
    pipelines: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, signal: { type: 'string' }, receivers: strings, processors: strings, exporters: strings } } },
    components: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' }, sinceMs: { type: 'number' } } } },
    counters: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } }, value: { type: 'number' }, perSecond: { type: 'number' } } },
    },
  },
} as const;

export function statusRoutes(app: FastifyInstance, ctx: AdminContext, sampler: CounterSampler | undefined): void {
  app.get('/api/status', {
    schema: { tags: ['status'], summary: 'Version, uptime, pipelines, component status and counters (throughput per second over the last minute)', response: { 200: statusSchema, ...errorReplies() } },
  }, async () => {
    const control = ctx.host.findService(CONTROL);
    const board = ctx.host.findService(STATUS);
    const startedAt = control?.startedAt ?? ctx.clock.now();
    return {
      version: ctx.version,
      startedAt,
      uptimeSeconds: Math.max(0, (ctx.clock.now() - startedAt) / 1000),
      ready: board?.ready ?? true,
      pipelines: control?.config().pipelines ?? [],
      components: board?.all() ?? [],
      counters: (await sampler?.current()) ?? [],
    };
  });
}

// Custom metrics: POST /api/metrics captures one point into the signals service (distribution
// `custom_<name>`, read by alert rules) and /metrics (exponential histogram `custom_<name>`);
// GET /api/metrics/:name summarizes a distribution over a window.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';
import { METRICS, type ExpHistogramVec } from '../../metric-registry.js';
import { SIGNALS } from '../../signals/signals.js';
import type { AdminContext } from '../context.js';
import { errorReplies } from '../schemas.js';
import { parseDurationMs } from '../../../config/schema-helpers.js';

/** Prefix of every captured metric's signal and Prometheus family. */
export const CUSTOM_PREFIX = 'custom_';
/** Distinct custom metrics per agent (each is a signal family and a histogram family). */
const MAX_CUSTOM = 500;
const NAME = '^[a-zA-Z_][a-zA-Z0-9_]{0,99}$';
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

const num = { type: ['number', 'null'] } as const;

export function metricRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const known = new Map<string, { labelNames: string[]; unit: string; vec?: ExpHistogramVec }>();
  app.addHook('onClose', async () => {
    const reg = ctx.host.findService(METRICS);
    for (const m of known.values()) if (m.vec) reg?.unregister(m.vec);
  });
  const tags = ['metrics'];

  app.post('/api/metrics', {
    schema: {
      tags, summary: 'Capture one point of a custom metric (signal and Prometheus family `custom_<name>`)',
      body: {
        type: 'object', required: ['name', 'value'], additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: NAME, description: 'stored as custom_<name>' },
          value: { type: 'number' },
          unit: { type: 'string', maxLength: 32, pattern: '^[A-Za-z0-9_/%{}.]*$', default: '' },
          labels: { type: 'object', maxProperties: 10, additionalProperties: { type: 'string', maxLength: 256 }, description: 'label names: letters, digits, _ (not starting with a digit)' },
        },
      },
      response: { 202: { type: 'object', properties: { signal: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } } }, ...errorReplies(400, 503) },
    },
  }, async (req, reply) => {
    const body = req.body as { name: string; value: number; unit: string; labels?: Record<string, string> };
    const signals = ctx.need(SIGNALS, 'signals');
    const signal = CUSTOM_PREFIX + body.name;
    const labels = body.labels ?? {};
    const labelNames = Object.keys(labels).sort();
    const bad = labelNames.find((k) => !LABEL.test(k));
    if (bad !== undefined) throw errors.invalidData(`body.labels: '${bad}' is not a valid label name (letters, digits, _; not starting with a digit; at most 64)`);
    let m = known.get(signal);
    if (!m) {
      if (known.size >= MAX_CUSTOM) throw errors.invalidData(`body.name: at most ${MAX_CUSTOM} custom metrics; '${body.name}' would be one more`);
      const kind = signals.kindOf(signal);
      if (kind && kind !== 'distribution') throw errors.conflict(`body.name: signal '${signal}' exists as a ${kind}`);
      const reg = ctx.host.findService(METRICS);
      const help = `Custom metric captured through the admin API${body.unit ? ` (${body.unit})` : ''}.`;
      m = { labelNames, unit: body.unit, vec: reg?.expHistogram(signal, help, labelNames, 160) };
      known.set(signal, m);
    } else if (m.labelNames.join(',') !== labelNames.join(',')) {
      throw errors.invalidData(`body.labels must have the keys [${m.labelNames.join(', ')}] as the first point of '${body.name}' had, got [${labelNames.join(', ')}]`);
    }
    const values = m.labelNames.map((k) => labels[k]!);
    signals.distribution(signal, m.labelNames).series(values).observe(body.value, 1);
    m.vec?.observe(values, body.value);
    ctx.audit.record({ at: ctx.clock.now(), who: ctx.who(req), action: 'metric.capture', target: signal, before: null, after: { value: body.value, unit: body.unit, labels } });
    return reply.code(202).send({ signal, labels });
  });

  app.get('/api/metrics/:name', {
    schema: {
      tags, summary: 'Count, min, max, avg, p50, p95, p99 of a distribution over a window (custom_<name> first, else the signal as named)',
      params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', pattern: NAME } } },
      querystring: { type: 'object', additionalProperties: false, properties: { window: { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$', default: '1h' } } },
      response: {
        200: {
          type: 'object', required: ['name', 'window', 'count'],
          properties: { name: { type: 'string' }, signal: { type: 'string' }, window: { type: 'string' }, unit: { type: 'string' }, count: { type: 'number' }, min: num, max: num, avg: num, p50: num, p95: num, p99: num },
        },
        ...errorReplies(400, 404, 503),
      },
    },
  }, async (req) => {
    const { name } = req.params as { name: string };
    const { window } = req.query as { window: string };
    const signals = ctx.need(SIGNALS, 'signals');
    const windowMs = parseDurationMs(window)!;
    const retention = signals.stepMs * (signals.steps - 1);
    if (windowMs <= 0 || windowMs > retention) throw errors.invalidData(`querystring.window must be more than 0 and at most the signals retention (${retention / 1000}s), got '${window}'`);
    const signal = signals.kindOf(CUSTOM_PREFIX + name) ? CUSTOM_PREFIX + name : name;
    const kind = signals.kindOf(signal);
    if (!kind) throw errors.notFound(`no metric named '${name}' (looked for signals '${CUSTOM_PREFIX}${name}' and '${name}')`);
    if (kind !== 'distribution') throw errors.invalidData(`params.name: '${signal}' is a ${kind}; only distributions have count, min, max and quantiles`);
    const s = signals.summarize(signal, {}, windowMs);
    const q = (p: number) => s.quantile(p) ?? null;
    const empty = s.count === 0;
    return {
      name, signal, window, unit: known.get(signal)?.unit ?? '', count: s.count,
      min: empty ? null : s.min, max: empty ? null : s.max, avg: empty ? null : s.sum / s.count, p50: q(0.5), p95: q(0.95), p99: q(0.99),
    };
  });
}

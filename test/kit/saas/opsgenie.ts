// The Opsgenie Alert API v2 as documented (reference/slo-alerting.md §6): validators of create, close
// and acknowledge, and a local API answering 202 {result, took, requestId}, 422, 401, or as told.
import { randomUUID } from 'node:crypto';
import { Checks, startSaasServer, type SaasRequest, type SaasServer } from './server.js';

const CREATE_KEYS = ['message', 'alias', 'description', 'responders', 'visibleTo', 'actions', 'tags', 'details', 'entity', 'source', 'priority', 'user', 'note'];
const RESPONDER_TYPES = ['team', 'user', 'escalation', 'schedule'];

/** Problems of a create-alert body. */
export function validateOpsgenieCreate(body: unknown): string[] {
  const c = new Checks();
  if (!c.isObject(body, '$')) return c.problems;
  c.onlyKeys(body, CREATE_KEYS, '$');
  c.string(body.message, '$.message', { min: 1, max: 130 });
  c.string(body.alias, '$.alias', { required: false, min: 1, max: 512 });
  c.string(body.description, '$.description', { required: false, max: 15_000 });
  if (body.responders !== undefined && c.array(body.responders, '$.responders')) {
    body.responders.forEach((r, i) => {
      const p = `$.responders[${i}]`;
      if (!c.isObject(r, p)) return;
      c.onlyKeys(r, ['id', 'name', 'username', 'type'], p);
      c.oneOf(r.type, RESPONDER_TYPES, `${p}.type`);
      if (['id', 'name', 'username'].filter((k) => typeof r[k] === 'string' && r[k]).length !== 1) c.fail(p, 'needs exactly one of id, name, username');
    });
  }
  if (body.actions !== undefined && c.array(body.actions, '$.actions', { max: 10 })) body.actions.forEach((a, i) => c.string(a, `$.actions[${i}]`, { min: 1, max: 50 }));
  if (body.tags !== undefined && c.array(body.tags, '$.tags', { max: 20 })) body.tags.forEach((t, i) => c.string(t, `$.tags[${i}]`, { min: 1, max: 50 }));
  if (body.details !== undefined && c.isObject(body.details, '$.details')) {
    let total = 0;
    for (const [k, v] of Object.entries(body.details)) {
      if (typeof v !== 'string') c.fail(`$.details.${k}`, 'values must be strings');
      else total += [...k].length + [...v].length;
    }
    if (total > 8000) c.fail('$.details', `longer than 8000 characters in all (${total})`);
  }
  c.string(body.entity, '$.entity', { required: false, max: 512 });
  c.string(body.source, '$.source', { required: false, max: 100 });
  if (body.priority !== undefined) c.oneOf(body.priority, ['P1', 'P2', 'P3', 'P4', 'P5'], '$.priority');
  c.string(body.user, '$.user', { required: false, max: 100 });
  c.string(body.note, '$.note', { required: false, max: 25_000 });
  return c.problems;
}

/** Problems of a close or acknowledge body (`{user, source, note}`, all optional). */
export function validateOpsgenieAction(body: unknown): string[] {
  const c = new Checks();
  if (body === undefined) return [];
  if (!c.isObject(body, '$')) return c.problems;
  c.onlyKeys(body, ['user', 'source', 'note'], '$');
  c.string(body.user, '$.user', { required: false, max: 100 });
  c.string(body.source, '$.source', { required: false, max: 100 });
  c.string(body.note, '$.note', { required: false, max: 25_000 });
  return c.problems;
}

const ACTION_PATH = /^\/v2\/alerts\/([^/]+)\/(close|acknowledge)$/;

/** What a request does: `create`, `close` or `acknowledge`, and the alias it names (undefined when malformed). */
export function opsgenieOperation(req: Pick<SaasRequest, 'path' | 'query' | 'body'>): { op: 'create' | 'close' | 'acknowledge'; alias: string } | undefined {
  if (req.path === '/v2/alerts') return { op: 'create', alias: String((req.body as { alias?: string })?.alias ?? '') };
  const m = ACTION_PATH.exec(req.path);
  return m ? { op: m[2] as 'close' | 'acknowledge', alias: decodeURIComponent(m[1]!) } : undefined;
}

/** A local Opsgenie API; `apiKey` is the key it accepts (`Authorization: GenieKey <apiKey>`). */
export function startOpsgenie(apiKey: string): Promise<SaasServer> {
  const answer = (status: number, body: Record<string, unknown>) => ({ status, body: { ...body, took: 0.012, requestId: randomUUID() } });
  return startSaasServer({
    validate(req) {
      const problems: string[] = [];
      if (req.method !== 'POST') problems.push(`method ${req.method}, expected POST`);
      if (req.headers.authorization !== `GenieKey ${apiKey}`) problems.push('Authorization must be GenieKey <api key>');
      if (!String(req.headers['content-type']).startsWith('application/json')) problems.push(`content-type ${req.headers['content-type']}`);
      const op = opsgenieOperation(req);
      if (!op) return [...problems, `unknown path ${req.path}`];
      if (op.op === 'create') return [...problems, ...validateOpsgenieCreate(req.body)];
      if (req.query.get('identifierType') !== 'alias') problems.push(`identifierType=${req.query.get('identifierType')}, expected alias`);
      if ([...op.alias].length > 512) problems.push('identifier longer than 512');
      return [...problems, ...validateOpsgenieAction(req.raw === '' ? undefined : req.body)];
    },
    accept: () => answer(202, { result: 'Request will be processed' }),
    refuse: (req) => (req.problems.some((p) => p.startsWith('Authorization')) ? answer(401, { message: 'Could not authenticate' }) : answer(422, { message: req.problems.join('; ') })),
  });
}

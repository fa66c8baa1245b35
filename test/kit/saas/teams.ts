// A stand-in for a Microsoft Teams Workflows webhook ("When a Teams webhook request is received" +
// "Post card in a chat or channel"): it holds every message to the documented Adaptive Card format
// (reference/slo-alerting.md §6, Alertmanager's msteamsv2) and answers as Workflows do: 202 with an
// empty body on success, 400 on a malformed card, and whatever the test scripts (429 + Retry-After, 5xx).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const CARD_COLOURS = ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'];
const CARD_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5'];
/** Teams refuses messages over about 28 KB. */
export const TEAMS_MESSAGE_LIMIT = 28 * 1024;
/** Teams renders at most this many card actions. */
export const TEAMS_MAX_ACTIONS = 6;

/** The properties each element type may carry (beyond these the card is refused). */
const ELEMENT_KEYS: Record<string, string[]> = {
  TextBlock: ['type', 'text', 'wrap', 'weight', 'size', 'color', 'isSubtle', 'separator', 'spacing', 'style', 'maxLines', 'horizontalAlignment'],
  FactSet: ['type', 'facts', 'separator', 'spacing'],
  Container: ['type', 'items', 'separator', 'spacing', 'style'],
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function isHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try { return ['http:', 'https:'].includes(new URL(v).protocol); } catch { return false; }
}

function onlyKeys(o: Obj, allowed: string[], at: string, problems: string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) problems.push(`${at}.${k}: unknown property`);
}

function checkElement(e: unknown, at: string, problems: string[]): void {
  if (!isObj(e)) { problems.push(`${at}: must be an object`); return; }
  const allowed = ELEMENT_KEYS[String(e.type)];
  if (!allowed) { problems.push(`${at}.type: unsupported element '${String(e.type)}'`); return; }
  onlyKeys(e, allowed, at, problems);
  if (e.separator !== undefined && typeof e.separator !== 'boolean') problems.push(`${at}.separator: must be boolean`);
  if (e.type === 'TextBlock') {
    if (typeof e.text !== 'string' || e.text === '') problems.push(`${at}.text: required non-empty string`);
    if (e.wrap !== undefined && typeof e.wrap !== 'boolean') problems.push(`${at}.wrap: must be boolean`);
    if (e.isSubtle !== undefined && typeof e.isSubtle !== 'boolean') problems.push(`${at}.isSubtle: must be boolean`);
    if (e.weight !== undefined && !['Default', 'Lighter', 'Bolder'].includes(e.weight as string)) problems.push(`${at}.weight: '${String(e.weight)}' is not a weight`);
    if (e.size !== undefined && !['Default', 'Small', 'Medium', 'Large', 'ExtraLarge'].includes(e.size as string)) problems.push(`${at}.size: '${String(e.size)}' is not a size`);
    if (e.color !== undefined && !CARD_COLOURS.includes(e.color as string)) problems.push(`${at}.color: '${String(e.color)}' is not a colour`);
  } else if (e.type === 'FactSet') {
    if (!Array.isArray(e.facts) || e.facts.length === 0) { problems.push(`${at}.facts: required non-empty array`); return; }
    e.facts.forEach((f, i) => {
      if (!isObj(f)) { problems.push(`${at}.facts[${i}]: must be an object`); return; }
      onlyKeys(f, ['title', 'value'], `${at}.facts[${i}]`, problems);
      if (typeof f.title !== 'string' || f.title === '') problems.push(`${at}.facts[${i}].title: required string`);
      if (typeof f.value !== 'string' || f.value === '') problems.push(`${at}.facts[${i}].value: required non-empty string`);
    });
  } else if (e.type === 'Container') {
    if (!Array.isArray(e.items) || e.items.length === 0) { problems.push(`${at}.items: required non-empty array`); return; }
    e.items.forEach((item, i) => checkElement(item, `${at}.items[${i}]`, problems));
  }
}

/** Every way `raw` (the request body text) departs from a Teams Workflows Adaptive Card message; [] when it conforms. */
export function teamsMessageProblems(raw: string): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(raw) > TEAMS_MESSAGE_LIMIT) problems.push(`message is ${Buffer.byteLength(raw)} bytes, over ${TEAMS_MESSAGE_LIMIT}`);
  let msg: unknown;
  try { msg = JSON.parse(raw); } catch { return [...problems, 'body is not JSON']; }
  if (!isObj(msg)) return [...problems, 'body must be a JSON object'];
  onlyKeys(msg, ['type', 'attachments'], 'message', problems);
  if (msg.type !== 'message') problems.push(`message.type: must be 'message', got ${JSON.stringify(msg.type)}`);
  if (!Array.isArray(msg.attachments) || msg.attachments.length !== 1) return [...problems, 'message.attachments: must hold exactly one card'];
  const att = msg.attachments[0];
  if (!isObj(att)) return [...problems, 'attachments[0]: must be an object'];
  onlyKeys(att, ['contentType', 'contentUrl', 'content'], 'attachments[0]', problems);
  if (att.contentType !== 'application/vnd.microsoft.card.adaptive') problems.push(`attachments[0].contentType: must be application/vnd.microsoft.card.adaptive`);
  if (att.contentUrl !== null) problems.push('attachments[0].contentUrl: must be null');
  const card = att.content;
  if (!isObj(card)) return [...problems, 'attachments[0].content: must be an Adaptive Card object'];
  const at = 'content';
  onlyKeys(card, ['$schema', 'type', 'version', 'body', 'actions', 'msteams'], at, problems);
  if (card.$schema !== 'http://adaptivecards.io/schemas/adaptive-card.json') problems.push(`${at}.$schema: must be http://adaptivecards.io/schemas/adaptive-card.json`);
  if (card.type !== 'AdaptiveCard') problems.push(`${at}.type: must be AdaptiveCard`);
  if (!CARD_VERSIONS.includes(card.version as string)) problems.push(`${at}.version: '${String(card.version)}' is not a version Teams renders (1.0–1.5)`);
  if (!Array.isArray(card.body) || card.body.length === 0) problems.push(`${at}.body: required non-empty array`);
  else card.body.forEach((e, i) => checkElement(e, `${at}.body[${i}]`, problems));
  if (card.msteams !== undefined && !(isObj(card.msteams) && card.msteams.width === 'Full' && Object.keys(card.msteams).length === 1)) {
    problems.push(`${at}.msteams: only { width: 'Full' } is supported`);
  }
  if (card.actions !== undefined) {
    if (!Array.isArray(card.actions)) problems.push(`${at}.actions: must be an array`);
    else {
      if (card.actions.length > TEAMS_MAX_ACTIONS) problems.push(`${at}.actions: ${card.actions.length} actions, Teams shows at most ${TEAMS_MAX_ACTIONS}`);
      card.actions.forEach((a, i) => {
        if (!isObj(a)) { problems.push(`${at}.actions[${i}]: must be an object`); return; }
        onlyKeys(a, ['type', 'title', 'url'], `${at}.actions[${i}]`, problems);
        if (a.type !== 'Action.OpenUrl') problems.push(`${at}.actions[${i}].type: only Action.OpenUrl is expected, got ${JSON.stringify(a.type)}`);
        if (typeof a.title !== 'string' || a.title === '') problems.push(`${at}.actions[${i}].title: required string`);
        if (!isHttpUrl(a.url)) problems.push(`${at}.actions[${i}].url: must be an absolute http(s) URL`);
      });
    }
  }
  return problems;
}

/** One request the stand-in received. */
export interface TeamsRequest {
  headers: IncomingHttpHeaders;
  raw: string;
  /** The parsed body (undefined when not JSON). */
  body: any;
  problems: string[];
}

/** A scripted answer (instead of 202, or 400 when the card is malformed). */
export interface ScriptedAnswer { status: number; headers?: Record<string, string>; body?: string }

export interface TeamsWorkflow {
  /** The webhook URL to configure (`http://127.0.0.1:<port>/workflows/<id>/triggers/manual/paths/invoke`). */
  url: string;
  requests: TeamsRequest[];
  /** Answers for the next requests, in order (each used once), before the default behaviour resumes. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 and a free port. */
export async function startTeamsWorkflow(): Promise<TeamsWorkflow> {
  const requests: TeamsRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try { body = JSON.parse(raw); } catch { body = undefined; }
      const problems = req.method !== 'POST' ? [`method must be POST, got ${req.method}`] : teamsMessageProblems(raw);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) problems.push('content-type must be application/json');
      requests.push({ headers: req.headers, raw, body, problems });
      const next = scripted.shift();
      if (next) {
        res.writeHead(next.status, next.headers).end(next.body ?? '');
      } else if (problems.length) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'InvalidRequestContent', message: problems.join('; ') } }));
      } else {
        res.writeHead(202).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/workflows/0f1e2d3c/triggers/manual/paths/invoke?api-version=1&sig=secret`,
    requests,
    script: (...answers) => { scripted.push(...answers); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

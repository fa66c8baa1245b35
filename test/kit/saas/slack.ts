// Slack incoming webhooks as documented (reference/slo-alerting.md §6, Block Kit limits): the
// validator of a message and a local webhook that answers `ok`, `invalid_payload`, or 429.
import { Checks, startSaasServer, type SaasAnswer, type SaasServer } from './server.js';

const TOP_KEYS = ['text', 'blocks', 'attachments', 'username', 'icon_emoji', 'icon_url', 'channel', 'mrkdwn', 'unfurl_links', 'unfurl_media', 'thread_ts'];
const ATTACHMENT_KEYS = ['color', 'fallback', 'title', 'title_link', 'text', 'fields', 'footer', 'footer_icon', 'ts', 'pretext', 'author_name', 'author_link', 'image_url', 'thumb_url', 'mrkdwn_in', 'blocks'];
const LINK = /<([^<>]*)>/g;

/** A mrkdwn string: `<…>` only as links `<http…|text>` or mentions; raw `&`-escapes otherwise. */
function checkMrkdwn(c: Checks, text: string, path: string): void {
  for (const m of text.matchAll(LINK)) {
    const inner = m[1]!;
    if (/^[!@#]/.test(inner)) continue;
    const [url] = inner.split('|');
    try {
      if (!['http:', 'https:', 'mailto:'].includes(new URL(url!).protocol)) c.fail(path, `link to a non-http URL ${url}`);
    } catch { c.fail(path, `malformed link <${inner}>`); }
  }
  if (/[<>]/.test(text.replace(LINK, ''))) c.fail(path, 'unescaped < or > outside a link');
}

function checkTextObject(c: Checks, t: unknown, path: string, max: number, types: readonly string[] = ['plain_text', 'mrkdwn']): void {
  if (!c.isObject(t, path)) return;
  c.onlyKeys(t, ['type', 'text', 'emoji', 'verbatim'], path);
  c.oneOf(t.type, types, `${path}.type`);
  if (c.string(t.text, `${path}.text`, { min: 1, max }) && t.type === 'mrkdwn') checkMrkdwn(c, t.text, `${path}.text`);
  if (t.emoji !== undefined && typeof t.emoji !== 'boolean') c.fail(`${path}.emoji`, 'expected a boolean');
}

function checkBlock(c: Checks, b: unknown, path: string): void {
  if (!c.isObject(b, path)) return;
  c.string(b.block_id, `${path}.block_id`, { required: false, max: 255 });
  switch (b.type) {
    case 'header':
      c.onlyKeys(b, ['type', 'text', 'block_id'], path);
      checkTextObject(c, b.text, `${path}.text`, 150, ['plain_text']);
      break;
    case 'section':
      c.onlyKeys(b, ['type', 'text', 'fields', 'block_id', 'accessory'], path);
      if (b.text === undefined && b.fields === undefined) c.fail(path, 'a section needs text or fields');
      if (b.text !== undefined) checkTextObject(c, b.text, `${path}.text`, 3000);
      if (b.fields !== undefined && c.array(b.fields, `${path}.fields`, { min: 1, max: 10 })) b.fields.forEach((f, i) => checkTextObject(c, f, `${path}.fields[${i}]`, 2000));
      break;
    case 'context':
      c.onlyKeys(b, ['type', 'elements', 'block_id'], path);
      if (c.array(b.elements, `${path}.elements`, { min: 1, max: 10 })) b.elements.forEach((e, i) => checkTextObject(c, e, `${path}.elements[${i}]`, 3000));
      break;
    case 'divider':
      c.onlyKeys(b, ['type', 'block_id'], path);
      break;
    default:
      c.fail(`${path}.type`, `unexpected block type ${JSON.stringify(b.type)}`);
  }
}

/** Problems of a webhook message against Slack's documented format. */
export function validateSlackMessage(body: unknown): string[] {
  const c = new Checks();
  if (!c.isObject(body, '$')) return c.problems;
  c.onlyKeys(body, TOP_KEYS, '$');
  // `text` is the notification fallback: set it even with blocks
  if (c.string(body.text, '$.text', { min: 1, max: 40_000 })) checkMrkdwn(c, body.text, '$.text');
  if (body.blocks !== undefined && c.array(body.blocks, '$.blocks', { min: 1, max: 50 })) body.blocks.forEach((b, i) => checkBlock(c, b, `$.blocks[${i}]`));
  if (body.attachments !== undefined && c.array(body.attachments, '$.attachments', { min: 1, max: 20 })) {
    body.attachments.forEach((a, i) => {
      const p = `$.attachments[${i}]`;
      if (!c.isObject(a, p)) return;
      c.onlyKeys(a, ATTACHMENT_KEYS, p);
      if (a.color !== undefined && !(typeof a.color === 'string' && (/^#[0-9A-Fa-f]{6}$/.test(a.color) || ['good', 'warning', 'danger'].includes(a.color)))) c.fail(`${p}.color`, `expected #RRGGBB or good|warning|danger, got ${JSON.stringify(a.color)}`);
      c.string(a.fallback, `${p}.fallback`, { min: 1 });
      c.string(a.title, `${p}.title`, { required: false, min: 1 });
      if (c.string(a.text, `${p}.text`, { required: false })) checkMrkdwn(c, a.text, `${p}.text`);
      c.string(a.footer, `${p}.footer`, { required: false, max: 300 });
      if (a.ts !== undefined && !(Number.isInteger(a.ts) && (a.ts as number) > 1e9 && (a.ts as number) < 1e10)) c.fail(`${p}.ts`, `expected epoch seconds, got ${JSON.stringify(a.ts)}`);
      if (a.fields !== undefined && c.array(a.fields, `${p}.fields`)) {
        a.fields.forEach((f, j) => {
          const fp = `${p}.fields[${j}]`;
          if (!c.isObject(f, fp)) return;
          c.onlyKeys(f, ['title', 'value', 'short'], fp);
          c.string(f.title, `${fp}.title`);
          c.string(f.value, `${fp}.value`);
          if (f.short !== undefined && typeof f.short !== 'boolean') c.fail(`${fp}.short`, 'expected a boolean');
        });
      }
    });
  }
  return c.problems;
}

/** Slack's answer to a rate-limited webhook. */
export function slackRateLimited(retryAfterS: number): SaasAnswer {
  return { status: 429, headers: { 'retry-after': String(retryAfterS) }, body: { retry_after: retryAfterS, ok: false, error: 'rate_limited' } };
}

/** The webhook path tests give the notifier: `<url>/services/T000/B000/XXXX`. */
export const SLACK_HOOK_PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

/** A local Slack incoming webhook at `<url>${SLACK_HOOK_PATH}`. */
export function startSlack(): Promise<SaasServer> {
  return startSaasServer({
    validate(req) {
      const problems: string[] = [];
      if (req.method !== 'POST') problems.push(`method ${req.method}, expected POST`);
      if (!/^\/services\/T\w+\/B\w+\/\w+$/.test(req.path)) problems.push(`path ${req.path} is not a webhook path`);
      if (!String(req.headers['content-type']).startsWith('application/json')) problems.push(`content-type ${req.headers['content-type']}`);
      if (req.body === undefined) return [...problems, 'body is not JSON'];
      return [...problems, ...validateSlackMessage(req.body)];
    },
    accept: () => ({ status: 200, body: 'ok' }),
    refuse: (req) => (req.path.startsWith('/services/') ? { status: 400, body: 'invalid_payload' } : { status: 404, body: 'no_service' }),
  });
}

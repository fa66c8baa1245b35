// PagerDuty Events API v2 as documented (reference/slo-alerting.md §6): the validator of an event and
// a local `POST /v2/enqueue` that answers 202 {status, message, dedup_key}, 400 invalid event, or as told.
import { randomUUID } from 'node:crypto';
import { Checks, startSaasServer, type SaasServer } from './server.js';

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const PAYLOAD_KEYS = ['summary', 'source', 'severity', 'timestamp', 'component', 'group', 'class', 'custom_details'];

/** Problems of an event against the Events API v2 format; `raw` is the body as sent (512 KB limit). */
export function validatePagerdutyEvent(body: unknown, raw = JSON.stringify(body)): string[] {
  const c = new Checks();
  if (Buffer.byteLength(raw) > 512 * 1024) c.fail('$', 'larger than 512 KB');
  if (!c.isObject(body, '$')) return c.problems;
  c.onlyKeys(body, ['routing_key', 'event_action', 'dedup_key', 'payload', 'images', 'links', 'client', 'client_url'], '$');
  if (c.string(body.routing_key, '$.routing_key') && !/^[A-Za-z0-9]{32}$/.test(body.routing_key)) c.fail('$.routing_key', 'expected a 32-character integration key');
  c.oneOf(body.event_action, ACTIONS, '$.event_action');
  c.string(body.dedup_key, '$.dedup_key', { required: body.event_action !== 'trigger', min: 1, max: 255 });
  if (body.event_action === 'trigger') {
    if (c.isObject(body.payload, '$.payload')) {
      const p = body.payload;
      c.onlyKeys(p, PAYLOAD_KEYS, '$.payload');
      c.string(p.summary, '$.payload.summary', { min: 1, max: 1024 });
      c.string(p.source, '$.payload.source', { min: 1 });
      c.oneOf(p.severity, SEVERITIES, '$.payload.severity');
      if (p.timestamp !== undefined) c.isoTime(p.timestamp, '$.payload.timestamp');
      for (const k of ['component', 'group', 'class']) c.string(p[k], `$.payload.${k}`, { required: false, min: 1 });
      if (p.custom_details !== undefined) c.isObject(p.custom_details, '$.payload.custom_details');
    }
  } else if (body.payload !== undefined || body.links !== undefined || body.images !== undefined) {
    c.fail('$', `${String(body.event_action)} takes only routing_key, dedup_key and event_action`);
  }
  if (body.links !== undefined && c.array(body.links, '$.links')) {
    body.links.forEach((l, i) => {
      if (!c.isObject(l, `$.links[${i}]`)) return;
      c.onlyKeys(l, ['href', 'text'], `$.links[${i}]`);
      c.url(l.href, `$.links[${i}].href`);
      c.string(l.text, `$.links[${i}].text`, { required: false });
    });
  }
  if (body.images !== undefined && c.array(body.images, '$.images')) {
    body.images.forEach((im, i) => {
      if (!c.isObject(im, `$.images[${i}]`)) return;
      c.onlyKeys(im, ['src', 'href', 'alt'], `$.images[${i}]`);
      c.url(im.src, `$.images[${i}].src`, ['https:']);
    });
  }
  c.string(body.client, '$.client', { required: false, min: 1 });
  if (body.client_url !== undefined) c.url(body.client_url, '$.client_url');
  return c.problems;
}

/** A local Events API v2 at `<url>/v2/enqueue`. */
export function startPagerduty(port = 0): Promise<SaasServer> {
  return startSaasServer({
    validate(req) {
      const problems: string[] = [];
      if (req.method !== 'POST') problems.push(`method ${req.method}, expected POST`);
      if (req.path !== '/v2/enqueue') problems.push(`path ${req.path}, expected /v2/enqueue`);
      if (!String(req.headers['content-type']).startsWith('application/json')) problems.push(`content-type ${req.headers['content-type']}`);
      if (req.headers.authorization !== undefined) problems.push('the Events API takes no Authorization header (the key is in the body)');
      if (req.body === undefined) return [...problems, 'body is not JSON'];
      return [...problems, ...validatePagerdutyEvent(req.body, req.raw)];
    },
    accept: (req) => ({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: (req.body as { dedup_key?: string }).dedup_key ?? randomUUID().replace(/-/g, '') } }),
    refuse: (req) => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: req.problems } }),
  }, port);
}

/** PagerDuty's answer when an integration key sends too fast. */
export const pagerdutyThrottled = { status: 429, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' } };

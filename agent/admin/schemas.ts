// JSON Schemas shared by the admin routes (validation, serialization and the OpenAPI document).
import { SEVERITIES } from '../alerting/model.js';

/** Error replies by status, all of the one shape. */
export function errorReplies(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries([401, 429, ...statuses].map((s) => [s, { $ref: 'Error#' }]));
}

/** Any JSON object (free-form, kept whole by the serializer). */
export const anyObject = { type: 'object', additionalProperties: true } as const;
export const stringMap = { type: 'object', additionalProperties: { type: 'string', maxLength: 1024 }, maxProperties: 64 } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

/** `:id` path parameters: printable, bounded, no slashes. */
export const idParams = {
  type: 'object', required: ['id'], additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^/\\x00-\\x1f]+$' } },
} as const;

export const severity = { type: 'string', enum: [...SEVERITIES] } as const;
export const alertState = { type: 'string', enum: ['pending', 'firing', 'acknowledged', 'resolved'] } as const;

const acknowledged = {
  type: ['object', 'null'], required: ['by', 'note', 'at'],
  properties: { by: { type: 'string' }, note: { type: 'string' }, at: { type: 'number' } },
} as const;

/** AlertRecord (agent/alerting/model.ts). */
export const alertSchema = {
  type: 'object',
  required: ['id', 'name', 'state', 'severity', 'labels', 'annotations', 'value', 'source', 'activeAt', 'firedAt', 'resolvedAt', 'acknowledged', 'traceIds'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, state: alertState, severity,
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    value: nullableNumber, source: { type: 'string' }, activeAt: { type: 'number' },
    firedAt: nullableNumber, resolvedAt: nullableNumber, acknowledged,
    traceIds: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** RuleRecord (agent/alerting/api.ts). */
export const ruleRecordSchema = {
  type: 'object', required: ['id', 'rule', 'source'],
  properties: { id: { type: 'string' }, rule: anyObject, source: { type: 'string', enum: ['file', 'api'] } },
} as const;

/** A rule in the config dialect of `alerting.rules[]`; the alerting engine validates the rest like the file. */
export const ruleBodySchema = {
  type: 'object', required: ['name'], additionalProperties: true,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][-A-Za-z0-9_.:]*$' },
    metric: { type: 'string', minLength: 1, maxLength: 200 },
    labels: stringMap,
    window: { type: 'string', maxLength: 20 },
    operator: { type: 'string', maxLength: 10 },
    threshold: { type: 'number' },
    for: { type: 'string', maxLength: 20 },
    severity,
    annotations: stringMap,
  },
} as const;

const matcher = {
  type: 'object', required: ['name', 'value'], additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 }, value: { type: 'string', maxLength: 1024 },
    isRegex: { type: 'boolean', default: false }, isEqual: { type: 'boolean', default: true },
  },
} as const;

/** Silence (agent/alerting/api.ts). */
export const silenceSchema = {
  type: 'object', required: ['id', 'matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'],
  properties: {
    id: { type: 'string' }, matchers: { type: 'array', items: matcher }, startsAt: { type: 'number' },
    endsAt: { type: 'number' }, createdBy: { type: 'string' }, comment: { type: 'string' },
  },
} as const;

export const silenceBodySchema = {
  type: 'object', required: ['matchers', 'endsAt', 'comment'], additionalProperties: false,
  properties: {
    matchers: { type: 'array', items: matcher, minItems: 1, maxItems: 32 },
    startsAt: { type: 'integer', minimum: 0, description: 'epoch ms; default now' },
    endsAt: { type: 'integer', minimum: 0, description: 'epoch ms' },
    comment: { type: 'string', minLength: 1, maxLength: 1000 },
  },
} as const;

/** ChannelRecord (agent/notifiers/api.ts): config with secrets redacted. */
export const channelSchema = {
  type: 'object', required: ['id', 'type', 'config', 'source'],
  properties: { id: { type: 'string' }, type: { type: 'string' }, config: anyObject, source: { type: 'string', enum: ['file', 'api'] } },
} as const;

/** A channel id: `type/name`. */
export const channelId = { type: 'string', minLength: 3, maxLength: 200, pattern: '^[a-z][a-z0-9_]*/[A-Za-z0-9][-A-Za-z0-9_.]*$' } as const;

export const okSchema = { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } } as const;

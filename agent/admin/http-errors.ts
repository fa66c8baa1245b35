// One error shape for the admin API, `{error, message}`, from the one catalogue (agent/errors.ts):
// schema rejections name the field, fastify's own errors map to their codes, internals stay inside.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { errors, OutriderError } from '../errors.js';

/** The JSON schema of every error reply (`$ref: 'Error#'`). */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Code from the error catalogue, e.g. INVALID_DATA, NOT_FOUND.' },
    message: { type: 'string', description: 'What is wrong, naming the field or id.' },
  },
} as const;

type Validation = NonNullable<FastifyError['validation']>[number];

/** "body.threshold must be number" from one ajv error. */
export function describeValidation(v: Validation, context: string): string {
  const where = [context, ...v.instancePath.split('/').filter(Boolean)].join('.');
  const p = v.params as Record<string, unknown>;
  switch (v.keyword) {
    case 'required': return `${where}.${String(p.missingProperty)} is required`;
    case 'additionalProperties': return `${where}.${String(p.additionalProperty)} is not a known field`;
    case 'enum': return `${where} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'type': return `${where} must be ${String(p.type)}`;
    default: return `${where} ${v.message ?? 'is invalid'}`;
  }
}

const FROM_STATUS: Record<number, (m: string) => OutriderError> = {
  400: errors.invalidData, 404: errors.notFound, 405: errors.methodNotAllowed, 406: errors.invalidData,
  408: errors.timeout, 413: errors.tooLarge, 415: errors.unsupportedMedia,
};

/** The catalogue error for anything a route or fastify threw. */
export function toOutriderError(err: FastifyError | Error, logger: Logger): OutriderError {
  if (err instanceof OutriderError) return err;
  const fe = err as FastifyError;
  if (fe.validation?.length) return errors.invalidData(describeValidation(fe.validation[0]!, fe.validationContext ?? 'request'));
  const make = fe.statusCode ? FROM_STATUS[fe.statusCode] : undefined;
  if (make) return make(fe.message);
  logger.error({ err }, 'admin: internal error');
  return errors.internal('internal error; see the agent log');
}

/** Installs the error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const e = toOutriderError(err, logger);
    if (e.retryAfterS !== undefined) void reply.header('retry-after', String(e.retryAfterS));
    if (e.code === 'UNAUTHENTICATED') void reply.header('www-authenticate', 'Bearer realm="outrider"');
    return reply.code(e.httpStatus).type('application/json').send({ error: e.code, message: e.message });
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const e = errors.notFound(`no route ${req.method} ${path}`);
    return reply.code(e.httpStatus).type('application/json').send({ error: e.code, message: e.message });
  });
}

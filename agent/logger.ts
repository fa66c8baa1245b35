// Structured JSON logs (pino), with secrets redacted wherever they may appear.
import { pino, type Logger, type DestinationStream } from 'pino';

/** Keys whose values are never logged. */
export const SECRET_KEYS = ['password', 'token', 'secret', 'api_key', 'routing_key', 'webhook_url', 'authorization'];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino({ level, base: { service: 'outrider' }, redact: { paths, censor: '[redacted]' } }, destination ?? pino.destination({ fd: 1, sync: true }));
}

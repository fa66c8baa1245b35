// Config of the `alertmanager` notifier: Prometheus Alertmanager's client API (POST /api/v2/alerts).
import { z } from 'zod';
import { duration } from '../../config/schema-helpers.js';
import { httpUrl } from '../../agent/notifiers/notifier-config.js';

export const alertmanagerConfigSchema = z.strictObject({
  /** Alertmanager's base URL (with its `--web.route-prefix` if any), e.g. `http://alertmanager:9093`. Required. */
  url: httpUrl(),
  /**
   * How often firing alerts are re-sent while they fire (ms; Prometheus' `--rules.alert.resend-delay`).
   * Each firing alert is sent with `endsAt` = now + 4 × this, so two lost sends do not resolve it. Default 1m.
   */
  resend_interval: duration().default(60_000).refine((ms) => ms >= 1000, { message: 'must be at least 1s' }),
  /** HTTP basic auth in front of Alertmanager (`--web.config.file`, or a proxy). */
  basic_auth: z.strictObject({
    username: z.string().min(1, 'must not be empty'),
    /** A secret. */
    password: z.string(),
  }).optional(),
  /** `Authorization: Bearer <token>` (a secret). Not together with `basic_auth`. */
  bearer_token: z.string().min(1, 'must not be empty').optional(),
}).refine((c) => !(c.basic_auth && c.bearer_token), { message: 'set basic_auth or bearer_token, not both', path: ['bearer_token'] });

/** The parsed `alertmanager` config; durations in ms. */
export type AlertmanagerConfig = z.output<typeof alertmanagerConfigSchema>;

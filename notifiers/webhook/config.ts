// Config of the `webhook` notifier: a generic JSON webhook signed per Standard Webhooks v1.
import { z } from 'zod';
import { num } from '../../config/schema-helpers.js';
import { httpUrl } from '../../agent/notifiers/notifier-config.js';
import { decodeWebhookSecret } from './signature.js';

/** Headers the notifier sets itself; `headers` may not replace them. */
const RESERVED_HEADERS = ['content-type', 'content-length', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'host'];

export const webhookConfigSchema = z.strictObject({
  /** Where to POST. Required. */
  url: httpUrl(),
  /**
   * The signing secret, `whsec_` + base64 of 24–64 random bytes (what Standard Webhooks libraries
   * generate). Required; usually `${env:WEBHOOK_SECRET}`.
   */
  secret: z.string({ error: 'is required: whsec_ followed by base64 of 24 to 64 random bytes' }).superRefine((s, ctx) => {
    const problem = decodeWebhookSecret(s).problem;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Extra request headers (e.g. an `Authorization` the receiver also wants). Default none. */
  headers: z.record(z.string(), z.string(), { error: 'expected a map of header names to values (values not shown: they may be secrets)' }).default({}).superRefine((h, ctx) => {
    for (const k of Object.keys(h)) {
      if (RESERVED_HEADERS.includes(k.toLowerCase())) ctx.addIssue({ code: 'custom', path: [k], message: `is set by the notifier and cannot be overridden` });
    }
  }),
  /** Alerts per payload; the rest are counted in `truncatedAlerts`. 0 (default) sends all. */
  max_alerts: num({ int: true, min: 0 }).default(0),
});

/** The parsed `webhook` config. */
export type WebhookConfig = z.output<typeof webhookConfigSchema>;

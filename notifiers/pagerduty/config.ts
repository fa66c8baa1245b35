// Config of the `pagerduty` notifier: the Events API v2 integration key (a secret) and where to send.
import { z } from 'zod';
import { configFromSchema } from '../../agent/component.js';
import { httpUrl, secretString } from '../../agent/notifiers/schema.js';

export const pagerdutyConfigSchema = z.strictObject({
  /** The 32-character integration (routing) key of an Events API v2 integration. A secret. Required. */
  routing_key: secretString('the 32-character integration key', (v) => /^[A-Za-z0-9]{32}$/.test(v)),
  /** The Events API v2 endpoint. Default https://events.pagerduty.com/v2/enqueue. */
  events_url: httpUrl().default('https://events.pagerduty.com/v2/enqueue'),
  /** `payload.source`; default the group's `service_name` label, else `outrider`. */
  source: z.string().min(1).optional(),
});
export type PagerdutyConfig = z.output<typeof pagerdutyConfigSchema>;

export const pagerdutyConfig = configFromSchema('notifiers.pagerduty', pagerdutyConfigSchema);

// Config of the `slack` notifier: an incoming webhook URL (a secret) and the least time between messages.
import { z } from 'zod';
import { configFromSchema } from '../../agent/component.js';
import { duration } from '../../config/schema-helpers.js';
import { httpUrl } from '../../agent/notifiers/schema.js';

export const slackConfigSchema = z.strictObject({
  /** The incoming webhook, `https://hooks.slack.com/services/T…/B…/…`. A secret. Required. */
  webhook_url: httpUrl({ secret: true }),
  /** Least time between two messages to this webhook (Slack allows about one per second). Default 1s. */
  min_interval: duration().default(1_000),
});
export type SlackConfig = z.output<typeof slackConfigSchema>;

export const slackConfig = configFromSchema('notifiers.slack', slackConfigSchema);

// Config of the `teams` notifier: a Microsoft Teams Workflows webhook ("When a Teams webhook request is received").
import { z } from 'zod';
import { num } from '../../config/schema-helpers.js';
import { httpUrl } from '../../agent/notifiers/notifier-config.js';

export const teamsConfigSchema = z.strictObject({
  /** The Workflows trigger URL (an opaque secret the platform generates; usually `${env:TEAMS_WEBHOOK_URL}`). Required. */
  webhook_url: httpUrl(),
  /** Alerts detailed in one card; the rest are counted ("and 3 more"). Default 10. */
  max_alerts: num({ int: true, min: 1, max: 50 }).default(10),
  /** Trace links offered as buttons, besides the runbook. Default 3 (Teams shows at most 6 actions). */
  max_trace_links: num({ int: true, min: 0, max: 5 }).default(3),
});

/** The parsed `teams` config. */
export type TeamsConfig = z.output<typeof teamsConfigSchema>;

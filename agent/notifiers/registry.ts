// The notifier types the agent knows, one line each (`notifiers.<type>/<name>` in the config).
import type { NotifierFactory } from './api.js';
import { alertmanagerNotifierFactory } from '../../notifiers/alertmanager/index.js';
import { emailNotifierFactory } from '../../notifiers/email/index.js';
import { opsgenieNotifierFactory } from '../../notifiers/opsgenie/index.js';
import { pagerdutyNotifierFactory } from '../../notifiers/pagerduty/index.js';
import { slackNotifierFactory } from '../../notifiers/slack/index.js';
import { teamsNotifierFactory } from '../../notifiers/teams/index.js';
import { webhookNotifierFactory } from '../../notifiers/webhook/index.js';

/** The built-in notifier factories. */
export const builtinNotifiers: readonly NotifierFactory[] = [
  slackNotifierFactory,
  pagerdutyNotifierFactory,
  opsgenieNotifierFactory,
  teamsNotifierFactory,
  emailNotifierFactory,
  webhookNotifierFactory,
  alertmanagerNotifierFactory,
];

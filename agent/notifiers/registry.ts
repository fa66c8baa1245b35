// The notifier types the agent knows, one line each (`notifiers.<type>/<name>` in the config).
import type { NotifierFactory } from './api.js';
import { slackNotifierFactory } from '../../notifiers/slack/index.js';
import { pagerdutyNotifierFactory } from '../../notifiers/pagerduty/index.js';
import { opsgenieNotifierFactory } from '../../notifiers/opsgenie/index.js';

/** The built-in notifier factories. */
export const builtinNotifiers: readonly NotifierFactory[] = [
  slackNotifierFactory,
  pagerdutyNotifierFactory,
  opsgenieNotifierFactory,
];

// The notifier types the agent knows, one line each (`notifiers.<type>/<name>` in the config).
import type { NotifierFactory } from './api.js';
import { alertmanagerNotifierFactory } from '../../notifiers/alertmanager/index.js';
import { emailNotifierFactory } from '../../notifiers/email/index.js';
import { teamsNotifierFactory } from '../../notifiers/teams/index.js';
import { webhookNotifierFactory } from '../../notifiers/webhook/index.js';

/** The built-in notifier factories. */
export const builtinNotifiers: readonly NotifierFactory[] = [
  alertmanagerNotifierFactory,
  emailNotifierFactory,
  teamsNotifierFactory,
  webhookNotifierFactory,
];

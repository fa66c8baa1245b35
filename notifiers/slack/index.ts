// The `slack` notifier factory: Slack incoming webhooks.
import type { NotifierFactory } from '../../agent/notifiers/api.js';
import { slackConfig, type SlackConfig } from './config.js';
import { SlackNotifier } from './slack.js';

export const slackNotifierFactory: NotifierFactory<SlackConfig> = {
  kind: 'notifier',
  type: 'slack',
  secrets: ['webhook_url'],
  ...slackConfig,
  create: (settings, config) => new SlackNotifier(settings, config),
};

// The `teams` notifier factory: Microsoft Teams Workflows webhooks with an Adaptive Card.
import { configFromSchema } from '../../agent/component.js';
import type { NotifierFactory } from '../../agent/notifiers/api.js';
import { defaultsWith } from '../../agent/notifiers/notifier-config.js';
import { teamsConfigSchema, type TeamsConfig } from './config.js';
import { TeamsNotifier } from './teams.js';

export const teamsNotifierFactory: NotifierFactory<TeamsConfig> = {
  kind: 'notifier',
  type: 'teams',
  ...configFromSchema('notifiers.teams', teamsConfigSchema),
  createDefaultConfig: defaultsWith(teamsConfigSchema, { webhook_url: '' }),
  secrets: ['webhook_url'],
  create: (settings, config) => new TeamsNotifier(settings, config),
};

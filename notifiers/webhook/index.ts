// The `webhook` notifier factory: JSON webhooks signed per Standard Webhooks.
import { configFromSchema } from '../../agent/component.js';
import type { NotifierFactory } from '../../agent/notifiers/api.js';
import { defaultsWith } from '../../agent/notifiers/notifier-config.js';
import { webhookConfigSchema, type WebhookConfig } from './config.js';
import { WebhookNotifier } from './webhook.js';

export const webhookNotifierFactory: NotifierFactory<WebhookConfig> = {
  kind: 'notifier',
  type: 'webhook',
  ...configFromSchema('notifiers.webhook', webhookConfigSchema),
  createDefaultConfig: defaultsWith(webhookConfigSchema, { url: '', secret: '' }),
  secrets: ['secret', 'headers'],
  create: (settings, config) => new WebhookNotifier(settings, config),
};

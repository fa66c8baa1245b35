// The `alertmanager` notifier factory: Prometheus Alertmanager's client API.
import { configFromSchema } from '../../agent/component.js';
import type { NotifierFactory } from '../../agent/notifiers/api.js';
import { defaultsWith } from '../../agent/notifiers/notifier-config.js';
import { AlertmanagerNotifier } from './alertmanager.js';
import { alertmanagerConfigSchema, type AlertmanagerConfig } from './config.js';

export const alertmanagerNotifierFactory: NotifierFactory<AlertmanagerConfig> = {
  kind: 'notifier',
  type: 'alertmanager',
  ...configFromSchema('notifiers.alertmanager', alertmanagerConfigSchema),
  createDefaultConfig: defaultsWith(alertmanagerConfigSchema, { url: '' }),
  secrets: ['basic_auth.password', 'bearer_token'],
  create: (settings, config) => new AlertmanagerNotifier(settings, config),
};

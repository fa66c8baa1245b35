// The `opsgenie` notifier factory: Opsgenie Alert API v2.
import type { NotifierFactory } from '../../agent/notifiers/api.js';
import { opsgenieConfig, type OpsgenieConfig } from './config.js';
import { OpsgenieNotifier } from './opsgenie.js';

export const opsgenieNotifierFactory: NotifierFactory<OpsgenieConfig> = {
  kind: 'notifier',
  type: 'opsgenie',
  secrets: ['api_key'],
  ...opsgenieConfig,
  create: (settings, config) => new OpsgenieNotifier(settings, config),
};

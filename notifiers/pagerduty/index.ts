// The `pagerduty` notifier factory: PagerDuty Events API v2.
import type { NotifierFactory } from '../../agent/notifiers/api.js';
import { pagerdutyConfig, type PagerdutyConfig } from './config.js';
import { PagerdutyNotifier } from './pagerduty.js';

export const pagerdutyNotifierFactory: NotifierFactory<PagerdutyConfig> = {
  kind: 'notifier',
  type: 'pagerduty',
  secrets: ['routing_key'],
  ...pagerdutyConfig,
  create: (settings, config) => new PagerdutyNotifier(settings, config),
};

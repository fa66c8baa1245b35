// The `alerting` service (top-level section `alerting`): the alerting engine under the key ALERTING.
import { once } from '../component.js';
import { defineService, type ServiceFactory } from '../service.js';
import { ALERTING, type AlertingApi } from './api.js';
import { alertingConfigSchema, unknownNotifiers, type AlertingConfig } from './config.js';
import { AlertingEngine } from './engine.js';

/** Factory of the `alerting` service. */
export const alertingServiceFactory: ServiceFactory<AlertingConfig, AlertingApi> = {
  ...defineService('alerting', 'alerting', alertingConfigSchema.prefault({}), (settings, config) => {
    const engine = new AlertingEngine(settings, config);
    return {
      key: ALERTING,
      api: engine,
      start: async (host) => engine.start(host),
      shutdown: once(async () => engine.stop()),
    };
  }),
  warnings: (config, tree) => unknownNotifiers(config, (tree as { notifiers?: unknown } | undefined)?.notifiers),
};

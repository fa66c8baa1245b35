// The admin service's factory: top-level section `admin`.
import type { ServiceFactory } from '../service.js';
import { defineService } from '../service.js';
import { builtinNotifiers } from '../notifiers/registry.js';
import { createAdminService, type AdminApi } from './admin.js';
import { adminConfigSchema, type AdminConfig } from './config.js';

export { ADMIN, type AdminApi } from './admin.js';

/** Factory of the `admin` service: REST API, web console and OpenAPI on `admin.endpoint`. */
export const adminServiceFactory: ServiceFactory<AdminConfig, AdminApi> = defineService('admin', 'admin', adminConfigSchema.prefault({}),
  (settings, config) => createAdminService(settings, config, builtinNotifiers));

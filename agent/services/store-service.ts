// The `storage` service: the agent's one SQLite database, opened on first use.
import { z } from 'zod';
import { once } from '../component.js';
import { defineService, serviceKey, type ServiceFactory } from '../service.js';
import { Store } from '../store/store.js';

/** The store: `host.service(STORE)`. */
export const STORE = serviceKey<Store>('storage');

export const storageConfigSchema = z.strictObject({
  /** SQLite database file (WAL), or `:memory:`. */
  path: z.string().min(1).default('./data/outrider.db'),
});
export type StorageConfig = z.output<typeof storageConfigSchema>;

export const storageServiceFactory: ServiceFactory<StorageConfig, Store> = defineService('storage', 'storage', storageConfigSchema, (_settings, config) => {
  const store = new Store(config.path);
  return { key: STORE, api: store, start: async () => {}, shutdown: once(async () => store.close()) };
});

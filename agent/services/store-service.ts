// The `storage` service: the agent's one SQLite database, opened on first use.
import { z } from 'zod';
import { once } from '../component.js';
import { defineService, serviceKey, type ServiceFactory } from '../service.js';
import { Store } from '../store/store.js';
import { num } from '../../config/schema-helpers.js';

/** The store: `host.service(STORE)`. */
export const STORE = serviceKey<Store>('storage');

export const storageConfigSchema = z.strictObject({
  /** SQLite database file (WAL), or `:memory:`. */
  path: z.string().min(1).default('./data/outrider.db'),
  /**
   * The most the database file may grow to, in MiB (0: no bound but the volume's). Durable work
   * that does not fit (a persistent queue's batch) is refused as retryable, and taken again once
   * space is freed.
   */
  max_size_mib: num({ min: 0 }).default(0),
});
export type StorageConfig = z.output<typeof storageConfigSchema>;

export const storageServiceFactory: ServiceFactory<StorageConfig, Store> = defineService('storage', 'storage', storageConfigSchema, (_settings, config) => {
  const store = new Store(config.path, Math.floor(config.max_size_mib * 1024 * 1024));
  return { key: STORE, api: store, start: async () => {}, shutdown: once(async () => store.close()) };
});

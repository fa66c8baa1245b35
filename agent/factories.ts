// Every built-in factory at once, for tests and tools that want the whole catalog. The registry
// itself (one line per factory) is agent/factory-registry.ts; the agent loads from it only the
// factories its config declares.
import type { Factory } from './component.js';
import type { ServiceFactory } from './service.js';
import { builtinServices, catalogOf, loadFactories } from './factory-registry.js';

export { builtinServices };

/** The built-in factories, all loaded. */
export const builtinFactories: readonly Factory[] = await loadFactories();

/** Factories keyed `kind:type`; later entries (e.g. test sinks) replace earlier ones of the same key. */
export function factoryMap(extra: readonly (Factory | ServiceFactory)[] = []): Map<string, Factory | ServiceFactory> {
  return catalogOf([...builtinFactories, ...extra]);
}

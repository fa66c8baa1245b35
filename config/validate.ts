// Turns a parsed YAML tree into a resolved config: every problem at once, each with its key path.
import type { Factory, Kind, Problem } from '../agent/component.js';
import type { ServiceFactory } from '../agent/service.js';
import { problemsOf } from '../agent/component.js';
import type { Signal } from '../agent/pdata/model.js';
import { z } from 'zod';
import { parseId } from './ids.js';
import { configParseOptions } from './error-map.js';
import { checkListeners, checkOnePerAgent, usedComponents, usesStore } from './host-claims.js';
import { checkPipelines } from './pipelines.js';
import { pipelineSchema, rootSchema } from './schema.js';
import { storagePathProblem } from './storage-path.js';

/** A declared component instance with its validated config. */
export interface ComponentDecl { kind: Kind; id: string; type: string; factory: Factory; config: unknown }

export interface PipelineDecl { name: string; signal: Signal; receivers: string[]; processors: string[]; exporters: string[] }

/** A configured service with its validated config. */
export interface ServiceDecl { type: string; factory: ServiceFactory; config: unknown }

/** Every factory the agent knows, keyed `kind:type` (services as `service:type`). */
export type FactoryCatalog = ReadonlyMap<string, Factory | ServiceFactory>;

/** The config the agent runs: validated, defaults filled. */
export interface ResolvedConfig {
  /** Services in start order, each with its section's config. */
  services: ServiceDecl[];
  storagePath: string;
  components: Map<string, ComponentDecl>; // key `${kind}:${id}`
  pipelines: PipelineDecl[];
  telemetry: { endpoint: string; logLevel: string };
  shutdownTimeoutMs: number;
  /** The substituted config tree as written (for display only: it may hold secrets). */
  tree: unknown;
}

/** The config section each kind is declared in. */
export const SECTION: Record<Kind, 'receivers' | 'processors' | 'exporters' | 'connectors'> = { receiver: 'receivers', processor: 'processors', exporter: 'exporters', connector: 'connectors' };

/** The value at a dotted path of the tree (undefined when a level is missing). */
function at(tree: unknown, path: string): unknown {
  let v: unknown = tree;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/**
 * Validates a substituted config tree: every problem at once, plus warnings (components no pipeline
 * uses). Touches the file system only to read (TLS files, storage.path); creates nothing.
 */
export function validateConfig(tree: unknown, factories: FactoryCatalog): { config?: ResolvedConfig; problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  // Top-level sections of services (storage, signals, …) are theirs to validate, not the root schema's.
  const serviceSections = new Set([...factories.values()].filter((f) => f.kind === 'service').map((f) => f.section.split('.')[0]!).filter((s) => s !== 'service'));
  const rootTree = tree && typeof tree === 'object' ? Object.fromEntries(Object.entries(tree).filter(([k]) => !serviceSections.has(k))) : tree;
  const parsed = rootSchema.safeParse(rootTree ?? {}, configParseOptions);
  if (!parsed.success) problems.push(...problemsOf(parsed.error));
  const root = parsed.success ? parsed.data : undefined;
  const raw = (tree ?? {}) as Record<string, Record<string, unknown> | null | undefined>;

  // Every service, validated from its own section.
  const services: ServiceDecl[] = [];
  for (const f of factories.values()) {
    if (f.kind !== 'service') continue;
    const raw = at(tree, f.section) ?? {};
    const own = f.validate(raw);
    problems.push(...own.map((p) => ({ path: p.path ? `${f.section}.${p.path}` : f.section, message: p.message })));
    if (own.length === 0) services.push({ type: f.type, factory: f, config: f.parse(raw) });
  }

  // Every declared component, validated by its factory.
  const components = new Map<string, ComponentDecl>();
  for (const kind of ['receiver', 'processor', 'exporter', 'connector'] as const) {
    const sectionName = SECTION[kind];
    const section = raw[sectionName];
    if (section === null || section === undefined || typeof section !== 'object' || Array.isArray(section)) continue;
    for (const [id, cfg] of Object.entries(section)) {
      const path = `${sectionName}.${id}`;
      const parsedId = parseId(id);
      if (typeof parsedId === 'string') { problems.push({ path, message: parsedId }); continue; }
      const factory = factories.get(`${kind}:${parsedId.type}`) as Factory | undefined;
      if (!factory) {
        const known = [...factories.values()].filter((f) => f.kind === kind).map((f) => f.type).sort();
        problems.push({ path, message: `unknown ${kind} type '${parsedId.type}' (known: ${known.join(', ')})` });
        continue;
      }
      const own = factory.validate(cfg ?? {});
      problems.push(...own.map((p) => ({ path: p.path ? `${path}.${p.path}` : path, message: p.message })));
      if (own.length === 0) components.set(`${kind}:${id}`, { kind, id, type: parsedId.type, factory, config: factory.parse(cfg ?? {}) });
    }
  }

  // Pipelines are checked even when another part of the root failed, so every problem shows at once.
  const serviceRaw = (tree as { service?: { pipelines?: unknown } } | undefined)?.service;
  const pipelinesOnly = z.record(z.string(), pipelineSchema).safeParse(serviceRaw?.pipelines ?? {}, configParseOptions);
  const pipelineTree = root?.service.pipelines ?? (pipelinesOnly.success ? pipelinesOnly.data : {});
  const pipelines = checkPipelines(pipelineTree, raw, components, problems);
  if (root && pipelines.length === 0 && problems.length === 0) {
    problems.push({ path: 'service.pipelines', message: 'at least one pipeline is required' });
  }

  // What the components claim from the host: ports, one-per-agent parts, the store (only checked when used).
  const cfgOf = <C>(type: string) => services.find((s) => s.type === type)?.config as C | undefined;
  const telemetry = cfgOf<{ endpoint: string; logs: { level: string } }>('telemetry');
  const storage = cfgOf<{ path: string }>('storage');
  const used = usedComponents(components, pipelines);
  const admin = cfgOf<{ endpoint: string; token: string; tokens: unknown[]; open_reads: boolean }>('admin');
  const adminListens = admin && (admin.token !== '' || admin.tokens.length > 0 || admin.open_reads);
  if (telemetry) checkListeners(telemetry.endpoint, used, problems, adminListens ? [{ path: 'admin.endpoint', value: admin.endpoint }] : []);
  checkOnePerAgent(used, problems);
  if (storage && usesStore(used)) {
    const problem = storagePathProblem(storage.path);
    if (problem) problems.push({ path: 'storage.path', message: problem });
  }
  // warnings a service can only give with the rest of the file (e.g. notifier ids alerting names)
  for (const d of services) {
    warnings.push(...(d.factory.warnings?.(d.config, tree) ?? []));
  }
  for (const c of components.values()) {
    if (!used.includes(c)) warnings.push({ path: `${SECTION[c.kind]}.${c.id}`, message: 'declared but not used in any pipeline' });
  }
  for (const c of used) {
    const lists = (p: PipelineDecl) => (c.kind === 'processor' ? p.processors : c.kind === 'receiver' ? p.receivers : c.kind === 'exporter' ? p.exporters : [...p.receivers, ...p.exporters]);
    const signals = [...new Set(pipelines.filter((p) => lists(p).includes(c.id)).map((p) => p.signal))];
    for (const w of c.factory.warnings?.(c.config, signals) ?? []) warnings.push({ path: `${SECTION[c.kind]}.${c.id}${w.path ? `.${w.path}` : ''}`, message: w.message });
  }

  if (problems.length > 0 || !root || !telemetry || !storage) return { problems, warnings };
  return {
    problems,
    warnings,
    config: {
      services,
      storagePath: storage.path,
      components,
      pipelines,
      telemetry: { endpoint: telemetry.endpoint, logLevel: telemetry.logs.level },
      shutdownTimeoutMs: root.service.shutdown_timeout,
      tree,
    },
  };
}

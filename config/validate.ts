// Turns a parsed YAML tree into a resolved config: every problem at once, each with its key path.
import type { Factory, Kind, Problem } from '../agent/component.js';
import { problemsOf } from '../agent/component.js';
import type { Signal } from '../agent/pdata/model.js';
import { z } from 'zod';
import { pipelineSchema, rootSchema } from './schema.js';

/** A declared component instance with its validated config. */
export interface ComponentDecl { kind: Kind; id: string; type: string; factory: Factory; config: unknown }

export interface PipelineDecl { name: string; signal: Signal; receivers: string[]; processors: string[]; exporters: string[] }

/** The config the agent runs: validated, defaults filled. */
export interface ResolvedConfig {
  storagePath: string;
  components: Map<string, ComponentDecl>; // key `${kind}:${id}`
  pipelines: PipelineDecl[];
  telemetry: { endpoint: string; logLevel: string };
  shutdownTimeoutMs: number;
  /** The substituted config tree as written (for display; secrets are redacted by the admin API). */
  tree: unknown;
}

const TYPE = /^[a-zA-Z][0-9a-zA-Z_]{0,62}$/;
const NAME = /^[^\s\x00-\x1f\x7f/]+$/;
const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];
const SECTION: Record<Kind, 'receivers' | 'processors' | 'exporters'> = { receiver: 'receivers', processor: 'processors', exporter: 'exporters' };

/** Splits `type/name` and checks both halves; a problem when malformed. */
export function parseId(id: string): { type: string; name: string } | string {
  const slash = id.indexOf('/');
  const type = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? '' : id.slice(slash + 1);
  if (!TYPE.test(type)) return `invalid id '${id}': the type must match ${TYPE.source}`;
  if (slash >= 0 && !NAME.test(name)) return `invalid id '${id}': the name must be non-empty, without spaces, control characters or '/'`;
  return { type, name };
}

export function validateConfig(tree: unknown, factories: ReadonlyMap<string, Factory>): { config?: ResolvedConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  const parsed = rootSchema.safeParse(tree ?? {});
  if (!parsed.success) problems.push(...problemsOf(parsed.error));
  const root = parsed.success ? parsed.data : undefined;
  const raw = (tree ?? {}) as Record<string, Record<string, unknown> | null | undefined>;

  // Every declared component, validated by its factory.
  const components = new Map<string, ComponentDecl>();
  for (const kind of ['receiver', 'processor', 'exporter'] as const) {
    const sectionName = SECTION[kind];
    const section = raw[sectionName];
    if (section === null || section === undefined || typeof section !== 'object' || Array.isArray(section)) continue;
    for (const [id, cfg] of Object.entries(section)) {
      const path = `${sectionName}.${id}`;
      const parsedId = parseId(id);
      if (typeof parsedId === 'string') { problems.push({ path, message: parsedId }); continue; }
      const factory = factories.get(`${kind}:${parsedId.type}`);
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

  // Pipelines: signal from the name, every id declared and able to carry the signal.
  const pipelines: PipelineDecl[] = [];
  // Pipelines are checked even when another part of the root failed, so every problem shows at once.
  const serviceRaw = (tree as { service?: { pipelines?: unknown } } | undefined)?.service;
  const pipelinesOnly = z.record(z.string(), pipelineSchema).safeParse(serviceRaw?.pipelines ?? {});
  const pipelineTree = root?.service.pipelines ?? (pipelinesOnly.success ? pipelinesOnly.data : {});
  for (const [name, p] of Object.entries(pipelineTree)) {
    const path = `service.pipelines.${name}`;
    const signal = name.split('/')[0] as Signal;
    if (!SIGNALS.includes(signal) || typeof parseId(name) === 'string') {
      problems.push({ path, message: `pipeline name must be traces, metrics or logs, optionally /name; got '${name}'` });
      continue;
    }
    for (const kind of ['receiver', 'processor', 'exporter'] as const) {
      const list = p[SECTION[kind]];
      const seen = new Set<string>();
      list.forEach((id, i) => {
        const at = `${path}.${SECTION[kind]}[${i}]`;
        if (seen.has(id)) problems.push({ path: at, message: `'${id}' is listed twice` });
        seen.add(id);
        const parsedId = parseId(id);
        const declaredRaw = raw[SECTION[kind]];
        const declared = declaredRaw && typeof declaredRaw === 'object' && id in declaredRaw;
        if (!declared) {
          problems.push({ path: at, message: `${kind} '${id}' is not declared under ${SECTION[kind]}` });
          return;
        }
        const decl = components.get(`${kind}:${id}`);
        if (decl && typeof parsedId !== 'string' && !decl.factory.signals.includes(signal)) {
          problems.push({ path: at, message: `${kind} '${id}' does not support ${signal} (supports: ${decl.factory.signals.join(', ')})` });
        }
      });
    }
    pipelines.push({ name, signal, receivers: p.receivers, processors: p.processors, exporters: p.exporters });
  }
  if (root && pipelines.length === 0 && problems.length === 0) {
    problems.push({ path: 'service.pipelines', message: 'at least one pipeline is required' });
  }

  if (problems.length > 0 || !root) return { problems };
  return {
    problems,
    config: {
      storagePath: root.storage.path,
      components,
      pipelines,
      telemetry: { endpoint: root.service.telemetry.endpoint, logLevel: root.service.telemetry.logs.level },
      shutdownTimeoutMs: root.service.shutdown_timeout,
      tree,
    },
  };
}

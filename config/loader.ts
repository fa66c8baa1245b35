// Loads a config: YAML file (or the embedded default), ${env:…} substitution, validation.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { Problem } from '../agent/component.js';
import { substituteEnv } from './env.js';
import { parseId } from './ids.js';
import { SECTION, validateConfig, type FactoryCatalog, type ResolvedConfig } from './validate.js';

/** The path of the embedded default config (shipped beside this module). */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('./default.yaml', import.meta.url));

/** Parses YAML text; syntax errors become problems with line and column. */
export function parseYaml(text: string, source: string): { tree?: unknown; problems: Problem[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, intAsBigInt: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        // the yaml library repeats the position in its message ("… at line 2, column 6:"); ours leads
        const what = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
        return { path: '', message: `${source}${pos ? `:${pos.line}:${pos.col}` : ''}: ${what}` };
      }),
    };
  }
  // aliases resolve only here: an alias of no anchor, or too many (a "billion laughs"), throws
  try {
    return { tree: doc.toJS({ maxAliasCount: 100 }) ?? {}, problems: [] };
  } catch (err) {
    return { problems: [{ path: '', message: `${source}: ${(err as Error).message.split('\n')[0]}` }] };
  }
}

export interface LoadedConfig { config?: ResolvedConfig; problems: Problem[]; source: string; /** Not errors, but worth a look (unset variables, components no pipeline uses). */ warnings?: Problem[] }

/** A config read and parsed, not yet validated: its tree and where it came from, or the problems reading it. */
type ReadConfig = { tree: Record<string, unknown>; source: string } | { source: string; problems: Problem[] };

/** How a config is given: a file path, YAML text (`{ yaml }`) or an already parsed object (`{ tree }`); undefined is the embedded default. */
export type ConfigSource = string | { yaml: string } | { tree: unknown } | undefined;

function readConfig(input: ConfigSource): ReadConfig {
  let tree: unknown;
  let source: string;
  if (input === undefined || typeof input === 'string') {
    source = input ?? DEFAULT_CONFIG_PATH;
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      return { source, problems: [{ path: '', message: `cannot read config file ${source}: ${(err as Error).message}` }] };
    }
    const y = parseYaml(text, source);
    if (y.problems.length) return { source, problems: y.problems };
    tree = y.tree;
  } else if ('yaml' in input) {
    source = '<inline>';
    const y = parseYaml(input.yaml, source);
    if (y.problems.length) return { source, problems: y.problems };
    tree = y.tree;
  } else {
    source = '<object>';
    tree = input.tree;
  }
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) {
    return { source, problems: [{ path: '', message: `${source}: the config must be a YAML mapping` }] };
  }
  return { tree: tree as Record<string, unknown>, source };
}

function validateRead(read: ReadConfig, factories: FactoryCatalog, env: NodeJS.ProcessEnv): LoadedConfig {
  if (!('tree' in read)) return read;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const substituted = substituteEnv(read.tree, env, problems, '', warnings);
  const result = validateConfig(substituted, factories);
  return { source: read.source, config: problems.length ? undefined : result.config, problems: [...problems, ...result.problems], warnings: [...warnings, ...result.warnings] };
}

/**
 * The `kind:type` of every component a config tree declares (receivers, processors, exporters,
 * connectors); malformed ids are left to validation.
 */
export function declaredComponentKeys(tree: unknown): string[] {
  const keys = new Set<string>();
  if (!tree || typeof tree !== 'object') return [];
  for (const [kind, section] of Object.entries(SECTION)) {
    const entries = (tree as Record<string, unknown>)[section];
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) continue;
    for (const id of Object.keys(entries)) {
      const parsed = parseId(id);
      if (typeof parsed !== 'string') keys.add(`${kind}:${parsed.type}`);
    }
  }
  return [...keys];
}

/**
 * Loads and validates a config. `input` is a file path, YAML text (`{ yaml }`) or an already
 * parsed object (`{ tree }`); undefined loads the embedded default.
 */
export function loadConfig(input: ConfigSource, factories: FactoryCatalog, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return validateRead(readConfig(input), factories, env);
}

/**
 * As {@link loadConfig}, with the catalog made for the config: `catalog` gets the `kind:type` of
 * every component the config declares (agent/factory-registry.ts `catalogFor` loads only those).
 */
export async function loadConfigFor(
  input: ConfigSource,
  catalog: (keys: string[]) => Promise<FactoryCatalog>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedConfig & { factories?: FactoryCatalog }> {
  const read = readConfig(input);
  if (!('tree' in read)) return read;
  const factories = await catalog(declaredComponentKeys(read.tree));
  return { ...validateRead(read, factories, env), factories };
}

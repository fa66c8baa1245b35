// ${env:VAR} and ${env:VAR:-default} substitution over a parsed config tree (the Collector's syntax).
import type { Problem } from '../agent/component.js';

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,199}$/;
const REF = /\$\$|\$\{([^}]*)\}/g;

/**
 * Replaces every `${env:NAME}`, `${NAME}` and `${env:NAME:-default}` inside string values;
 * `$$` stands for a literal `$`. An unset variable without a default becomes the empty string.
 * Values stay strings; numeric and boolean fields accept numeric and boolean strings.
 */
export function substituteEnv(tree: unknown, env: NodeJS.ProcessEnv, problems: Problem[], path = '', warnings: Problem[] = []): unknown {
  if (typeof tree === 'string') return substituteString(tree, env, problems, path, warnings);
  if (Array.isArray(tree)) return tree.map((v, i) => substituteEnv(v, env, problems, `${path}.${i}`, warnings));
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = substituteEnv(v, env, problems, path ? `${path}.${k}` : k, warnings);
    return out;
  }
  return tree;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, problems: Problem[], path: string, warnings: Problem[]): string {
  if (!text.includes('$')) return text;
  return text.replace(REF, (whole, inner: string | undefined) => {
    if (whole === '$$') return '$';
    let ref = inner!;
    if (ref.startsWith('env:')) ref = ref.slice(4);
    else if (ref.includes(':') && !ref.includes(':-')) {
      problems.push({ path, message: `unsupported config provider in '${whole}' (only env: is supported)` });
      return whole;
    }
    const sep = ref.indexOf(':-');
    const name = sep >= 0 ? ref.slice(0, sep) : ref;
    const fallback = sep >= 0 ? ref.slice(sep + 2) : undefined;
    if (!NAME.test(name)) {
      problems.push({ path, message: `invalid environment variable name '${name}' in '${whole}'` });
      return whole;
    }
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback === undefined) warnings.push({ path, message: `environment variable ${name} is not set; using ''` });
    return fallback ?? '';
  });
}

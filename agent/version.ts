// The agent's version, read from package.json at run time.
import { readFileSync } from 'node:fs';

/** The package version, e.g. "0.1.0". */
export function agentVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch { /* try the next location (source or dist) */ }
  }
  return '0.0.0';
}

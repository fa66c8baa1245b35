// Reads the PEM files a `tls` config block names, failing with a config error that says which key.
import { readFileSync } from 'node:fs';
import { errors } from './errors.js';

/**
 * Reads every `*_file` key given (absent keys stay undefined) and returns the contents under the
 * same keys; throws BAD_CONFIG naming `who` and the key of a file that cannot be read.
 */
export function readTlsFiles<K extends string>(who: string, files: Partial<Record<K, string>>): Partial<Record<K, Buffer>> {
  const out: Partial<Record<K, Buffer>> = {};
  for (const key of Object.keys(files) as K[]) {
    const path = files[key];
    if (path === undefined) continue;
    try {
      out[key] = readFileSync(path);
    } catch (err) {
      throw errors.badConfig(`${who}: tls.${key} cannot be read: ${(err as Error).message}`);
    }
  }
  return out;
}

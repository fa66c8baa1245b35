// Reads the PEM files a `tls` config names, failing with a config error that says which file.
import { readFileSync } from 'node:fs';
import { errors } from '../errors.js';
import type { TlsConfig } from './config.js';

/** PEM contents of a `tls` block; absent files stay undefined. */
export interface TlsMaterial { ca?: Buffer; cert?: Buffer; key?: Buffer }

/** Reads `ca_file`, `cert_file`, `key_file`; throws BAD_CONFIG naming `who` and the key. */
export function readTlsFiles(who: string, tls: TlsConfig): TlsMaterial {
  const read = (key: 'ca_file' | 'cert_file' | 'key_file'): Buffer | undefined => {
    const path = tls[key];
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw errors.badConfig(`${who}: tls.${key} cannot be read: ${(err as Error).message}`);
    }
  };
  return { ca: read('ca_file'), cert: read('cert_file'), key: read('key_file') };
}

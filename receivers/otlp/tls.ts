// Reads the receiver's TLS files once at start, with errors that name the config key.
import { readFileSync } from 'node:fs';
import type { ServerTlsConfig } from './config.js';

export interface ServerTlsMaterial { cert: Buffer; key: Buffer; ca: Buffer | undefined }

export function readServerTls(tls: ServerTlsConfig, where: string): ServerTlsMaterial {
  const read = (key: keyof ServerTlsConfig) => {
    const path = tls[key]!;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`${where}.tls.${key}: cannot read '${path}': ${(err as Error).message}`);
    }
  };
  return { cert: read('cert_file'), key: read('key_file'), ca: tls.client_ca_file ? read('client_ca_file') : undefined };
}

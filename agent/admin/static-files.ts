// The console's static files (agent/admin/ui, copied to dist by scripts/copy-assets.mjs): served
// only from that folder — a path that resolves outside it, or a file type not listed, is a 404.
import { readFile, realpath } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';

/** The console's folder. */
export const UI_DIR = fileURLToPath(new URL('./ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The file's bytes and type when `rel` stays inside `root` and has a served type; else undefined. */
export async function readInside(root: string, rel: string): Promise<{ body: Buffer; type: string } | undefined> {
  if (rel.includes('\0')) return undefined;
  const type = TYPES[extname(rel).toLowerCase()];
  if (!type) return undefined;
  const base = await realpath(root);
  const wanted = resolve(base, '.' + sep + rel);
  if (!wanted.startsWith(base + sep)) return undefined;
  try {
    const real = await realpath(wanted);
    if (!real.startsWith(base + sep)) return undefined;
    return { body: await readFile(real), type };
  } catch {
    return undefined;
  }
}

export function staticRoutes(app: FastifyInstance, root = UI_DIR): void {
  const serve = async (rel: string, reply: import('fastify').FastifyReply) => {
    const file = await readInside(root, rel);
    if (!file) throw errors.notFound(`no console file '${rel}'`);
    return reply.type(file.type).send(file.body);
  };
  app.get('/', { schema: { hide: true } }, async (_req, reply) => serve('index.html', reply));
  app.get('/ui/*', { schema: { hide: true } }, async (req, reply) => serve((req.params as { '*': string })['*'], reply));
}


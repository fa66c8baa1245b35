// Copies the non-TypeScript files the built agent reads at run time (YAML, .proto) into dist/,
// and makes the CLI executable so its shebang (and the flags in it) apply when run directly.
import { chmodSync, cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname, extname } from 'node:path';

const roots = ['agent', 'config', 'receivers', 'processors', 'exporters', 'notifiers', 'connectors', 'test/kit', 'bench'];
const wanted = new Set(['.yaml', '.yml', '.proto', '.html', '.css', '.js', '.svg']);

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    if (!wanted.has(extname(name))) continue;
    const to = join('dist', path);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(path, to);
  }
}
for (const root of roots) { try { walk(root); } catch (e) { if (e.code !== 'ENOENT') throw e; } }
// the admin console is served as written (plain HTML, CSS and one script)
cpSync('agent/admin/ui', 'dist/agent/admin/ui', { recursive: true });
chmodSync('dist/agent/cli.js', 0o755);

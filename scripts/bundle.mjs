// Bundles the built agent (dist/agent/cli.js) into dist/bundle/, the artifact `npm start`, the
// `outrider` command, the image and the bench run. Every module the agent loads stays resident for
// its life, source text included (V8 keeps it for lazy compilation): on the default config the ~740
// separate files hold 3.8 MB of source, some of it as two-byte strings for a few non-ASCII
// characters, against 1.5 MB of minified, ASCII-only chunks; idle RSS 73.0 → 63.5 MiB (medians of
// 3, node dist/bench/idle-rss.js). Components keep their own chunks, loaded only when a config
// declares them (factory-registry.ts), so splitting is on.
import { build } from 'esbuild';
import { chmodSync, cpSync, rmSync } from 'node:fs';

const out = 'dist/bundle';
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'dist/agent/cli.js' },
  outdir: out,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // logged errors keep their class names (pino's `type`)
  keepNames: true,
  // beside the chunks, read only under --enable-source-maps
  sourcemap: 'linked',
  // ES module builds where a package has them: what it does not use is left out
  mainFields: ['module', 'main'],
  // loaded from node_modules at run time: a native addon, and packages their users require only
  // when needed (fastify's schema compilers and inject())
  external: ['better-sqlite3', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'],
  // CommonJS dependencies call require() for node's own modules and the externals above
  banner: { js: "import{createRequire as __outriderRequire}from'node:module';const require=__outriderRequire(import.meta.url);" },
  logLevel: 'warning',
});
// files the agent reads beside its modules (paths relative to import.meta.url)
cpSync('config/default.yaml', `${out}/default.yaml`);
cpSync('processors/cost/default-prices.yaml', `${out}/default-prices.yaml`);
cpSync('agent/admin/ui', `${out}/ui`, { recursive: true });
chmodSync(`${out}/cli.js`, 0o755);

// How the agent process is launched: the bundle, and V8 and allocator settings that keep an idle
// sidecar small. The same values stand in package.json's start script, the cli.ts shebang and the
// Dockerfile.

/**
 * The script the agent runs from, relative to the package root: the minified bundle of dist/agent
 * that scripts/bundle.mjs writes (idle RSS ~9.5 MiB lower than from the ~740 separate modules).
 * dist/agent/cli.js runs the same agent from the separate modules.
 */
export const AGENT_ENTRY = 'dist/bundle/cli.js';

/**
 * A young generation of up to 16 MiB per semi-space: ~10 % less CPU per span under load than 2 MiB
 * (fewer scavenges, each copying the few spans still in flight). It grows only under load; the
 * start-up growth is given back by the idle compaction (idle-compaction.ts), so idle RSS is the same.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];

/**
 * glibc malloc: two arenas instead of one per thread (several MiB less resident memory), and
 * blocks of 1 MiB and more in their own mappings, returned to the system when freed — so RSS,
 * which the memory_limiter measures, falls back once large requests are done. Smaller blocks come
 * from the heap and are reused: received requests (tens of KiB each) and encoded exports are
 * allocated and freed all the time, and a mapping of their own for each would cost two system
 * calls and a page fault per 4 KiB touched (with 32 KiB here: the full traces pipeline at most
 * ~30 % slower and ~45 % more CPU per span, a pass-through export ~40 % more CPU at 10,000 spans/s).
 */
export const AGENT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576' };

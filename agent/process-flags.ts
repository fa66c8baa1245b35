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
 *
 * The old generation may grow to 4× what the last full collection left (V8's own heuristics chose
 * about 2× here) before the next one starts. Under steady load the agent's old generation is small
 * (~26 MiB: series, tail-sampling state) and its garbage comes slowly, yet with a limit only ~26 MiB
 * above it V8 kept marking nearly all the time: at 10,000 spans/s through the full pipeline, a full
 * collection every ~1.2 s, whose concurrent marking alone took ~100 ms of a helper thread each. With
 * 4×: one every ~4 s; 7 interleaved runs, median CPU 30.0 → 27.7 % of a core, RSS ~200 → ~220 MiB.
 * The memory_limiter bounds the growth where memory is short: from its soft limit on it asks V8 for
 * a collection and judges the memory in use, garbage collected.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=300'];

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

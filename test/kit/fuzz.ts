// Parameters shared by the property-based (fast-check) tests: one fixed seed, so a run is repeatable;
// fast-check prints it with the counterexample and its shrink path when a property fails.
// FUZZ_SEED=<n> replays another seed, FUZZ_RUNS_SCALE=<x> multiplies every numRuns (e.g. 10 for a long hunt).

/** The seed of every property in the suite. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);

/** fast-check parameters: the fixed seed and `numRuns` scaled by FUZZ_RUNS_SCALE. */
export function fuzz(numRuns: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(numRuns * Number(process.env.FUZZ_RUNS_SCALE ?? 1))), endOnFailure: false };
}

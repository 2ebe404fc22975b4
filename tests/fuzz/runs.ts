// How many cases each property test draws: a few hundred in `npm test`, FUZZ_RUNS (10 000 in
// `npm run fuzz`) when set.

/** fast-check's numRuns for this run of the suite. */
export function fuzzRuns(defaultRuns = 300): number {
  const fromEnv = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns;
}

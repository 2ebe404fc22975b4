// The running-mean baseline of the learning signal (docs/math.md §2 "Optional baseline", §3 b_l);
// shaders/baseline.wgsl mirrors it for the WebGPU engine.

/** b ← 0.99·b + 0.01·batchMean: the baseline after an update whose batch mean target is batchMean. */
export function runningMeanBaseline(previous: number, batchMean: number): number {
  return 0.99 * previous + 0.01 * batchMean;
}

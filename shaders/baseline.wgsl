// The running-mean baseline (docs/math.md §2, §3): the WGSL twin of src/models/units/baseline.ts.

/** b <- 0.99 b + 0.01 batchMean */
fn runningMeanBaseline(previous: f32, batchMean: f32) -> f32 {
  return 0.99 * previous + 0.01 * batchMean;
}

// One example's internals for the WebGPU engine: the run's parameters are read back and the
// example goes through the CPU model (a single example is not worth a GPU round trip per layer;
// the CPU model computes exactly what the kernels compute, see tests/gpu-*.test.ts).
import { BanditRun } from '../../../models/bandit/banditRun.ts';
import type { BanditParameters } from '../../../models/bandit/parameters.ts';
import { traceExample } from '../../../models/bandit/trace.ts';
import type { BanditEstimator, ExampleTrace } from '../../../engine/types.ts';

/** One example's trace (docs/math.md §1: the engine exposes one example's internals) through the CPU model with `params`. */
export function traceFromParameters(params: BanditParameters, estimator: BanditEstimator, pixels: Uint8Array, seed: number): ExampleTrace {
  return traceExample(new BanditRun(params, estimator, 1), pixels, seed);
}

// The VAE's test bound for the WebGPU program: the parameters are read back once and the K-sample
// importance-weighted bound runs on the program's device (../vaeBound/bound.ts) with the same
// samples as the CPU engine's evaluate() (tests/gpu-vae-parity.test.ts compares the two).
import type { Dataset } from '../../../data/dataset.ts';
import { paramsFromArrays, tensorSizes } from '../../../models/vae/params.ts';
import type { EvaluationResult, RunSpec, VaeConfig } from '../../../engine/types.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import { importanceWeightedBoundGpu } from '../vaeBound/bound.ts';

/** What the bound needs: the configuration, the data, the runs and their parameters. */
export interface BoundInput {
  config: VaeConfig;
  data: Dataset;
  runs: readonly RunSpec[];
  /** per run (in `runs` order) its parameters, flat in tensorSizes order (src/models/vae/params.ts) */
  params: readonly Float32Array[];
  /** the evaluation number e (the test binarization and the bound's draws depend on it) */
  evaluation: number;
  /** called after each chunk of test images: done and total (run × image pairs) */
  onProgress?: (done: number, total: number) => unknown;
}

/**
 * Per run, the K-sample importance-weighted bound (nats per image, K = config.testK, docs/math.md §3)
 * over the binarized test set, computed on `runtime`'s device run after run
 * (importanceWeightedBoundGpu: the same samples as evaluateBound, float32). Progress counts
 * (run, image) pairs like evaluateBound's.
 * @throws EngineError('config' | 'limits') from the bound for parameters or a test set it cannot take
 */
export async function evaluateBoundOnGpu(runtime: GpuRuntime, input: BoundInput): Promise<EvaluationResult[]> {
  const { config, data, runs, params, evaluation } = input;
  const shape = { pixels: data.pixels, layers: config.layers, width: config.width };
  const sizes = tensorSizes(shape);
  const images = data.test.count;
  const total = runs.length * images;
  const results: EvaluationResult[] = [];
  for (let r = 0; r < runs.length; r++) {
    const flat = params[r];
    const arrays: Float32Array[] = [];
    let at = 0;
    for (const n of sizes) {
      arrays.push(flat.subarray(at, at + n));
      at += n;
    }
    if (at !== flat.length) throw new Error(`evaluateBoundOnGpu: run ${runs[r].index} has ${flat.length} parameters, the model ${at}`);
    const bound = await importanceWeightedBoundGpu(runtime, paramsFromArrays(shape, arrays), data.test, {
      K: config.testK,
      seed: runs[r].seed,
      evaluation,
      onProgress: input.onProgress && ((done, all) => input.onProgress?.(r * images + Math.floor((done / all) * images), total)),
    });
    results.push({ testScore: bound.mean, k: config.testK });
  }
  return results;
}

// The VAE's test bound for the WebGPU program: for now the parameters are read back once and
// the K-sample importance-weighted bound is computed by the CPU engine's code on the same
// samples (src/models/vae/bound.ts through VaeRun.boundSum), so both engines report the same
// bound. One function, so that the GPU bound can replace it.
import type { Dataset } from '../../../data/dataset.ts';
import { allocSparseRows, binarizeRows, testBinarizeKey } from '../../../data/minibatch.ts';
import { EvalDraws } from '../../../models/vae/draws.ts';
import { VaeRun } from '../../../models/vae/vaeRun.ts';
import { vaeEstimator } from '../../estimators.ts';
import type { EvaluationResult, RunSpec, VaeConfig } from '../../types.ts';

const EVAL_CHUNK = 500;

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
  onProgress?: (done: number, total: number) => void;
}

/**
 * Per run, the K-sample importance-weighted bound (nats, K = config.testK, DESIGN.md §3)
 * averaged over the binarized test set: the CPU engine's evaluate() on these parameters.
 * @throws Error when a run's parameters do not have the model's size
 */
export function evaluateBound(input: BoundInput): EvaluationResult[] {
  const { config, data, runs, params, evaluation } = input;
  const shape = { pixels: data.pixels, layers: config.layers, width: config.width };
  const models = runs.map((spec, r) => {
    const run = new VaeRun(shape, spec.seed, vaeEstimator(spec.estimator).id);
    let at = 0;
    for (const t of run.tensors) {
      t.value.set(params[r].subarray(at, at + t.size));
      at += t.size;
    }
    if (at !== params[r].length) throw new Error(`evaluateBound: run ${spec.index} has ${params[r].length} parameters, the model ${at}`);
    return run;
  });
  const test = data.test;
  const sums = runs.map(() => 0);
  const rows = allocSparseRows(EVAL_CHUNK, data.pixels);
  const indices = new Uint32Array(EVAL_CHUNK);
  const total = runs.length * test.count;
  let done = 0;
  for (const seed of [...new Set(runs.map((r) => r.seed))]) {
    const mine = runs.map((r, i) => (r.seed === seed ? i : -1)).filter((i) => i >= 0);
    const key = testBinarizeKey(seed, evaluation);
    const draws = new EvalDraws(seed, config.width, config.layers);
    for (let start = 0; start < test.count; start += EVAL_CHUNK) {
      const count = Math.min(EVAL_CHUNK, test.count - start);
      for (let b = 0; b < count; b++) indices[b] = start + b;
      binarizeRows(test, data.pixels, indices.subarray(0, count), key, rows);
      for (const i of mine) sums[i] += models[i].boundSum(rows, start, draws, evaluation, config.testK);
      done += count * mine.length;
      input.onProgress?.(done, total);
    }
  }
  return sums.map((s) => ({ testScore: s / test.count, k: config.testK }));
}

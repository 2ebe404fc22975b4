// The WebGPU bandit engine's exact expected gradient on a tiny network (docs/math.md §5): one
// update per enumerated outcome, forced by scripted draws (tests/helpers/scriptedDraws.ts),
// weighted by the outcome's float64 probability; and the comparison with the exact gradient that
// states which bias it can detect in each layer.
import { expect } from 'vitest';
import { createGpuBanditEngine } from '../../src/backends/webgpu/index.ts';
import type { BanditConfig } from '../../src/engine/types.ts';
import type { BanditParameters, BanditShape } from '../../src/models/bandit/parameters.ts';
import { banditOutcomes, banditScript, scriptedShaders } from './scriptedDraws.ts';
import { constantDataset, loadRunParameters, testDevice } from './gpuTest.ts';

/**
 * Per run, Σ_outcomes prob · (the GPU's batch-mean gradient of the update that sampled the
 * outcome), in the CPU's tensor order [W0, b0, W1, b1, …]. Every update starts from `params`
 * and the moving-average baseline `baseline` (imported before it), so every outcome's gradient is
 * taken at the same point; `config` must have batch 1 and one seed.
 * @param shaders the sources to run (the real ones, or a mutated copy for a mutation control)
 */
export async function gpuExpectedGradients(
  config: BanditConfig,
  shape: BanditShape,
  params: BanditParameters,
  x: readonly number[],
  label: number,
  baseline: number,
  shaders: Record<string, string>,
): Promise<{ expected: Float64Array[]; estimators: string[] }> {
  if (config.batch !== 1 || config.seeds.length !== 1) throw new Error('gpuExpectedGradients: batch 1 and one seed');
  const outcomes = banditOutcomes(shape, params, x);
  const total = outcomes.reduce((a, o) => a + o.prob, 0);
  expect(Math.abs(total - 1)).toBeLessThan(1e-12);
  // every scripted draw is far (in float32 terms) from the boundaries it must not cross
  expect(Math.min(...outcomes.map((o) => o.margin))).toBeGreaterThan(1e-4);
  const engine = await createGpuBanditEngine(
    { config, data: constantDataset(x, label, shape.sizes[shape.sizes.length - 1], 4) },
    { device: await testDevice(), shaders: scriptedShaders(shaders, banditScript(outcomes, config.seeds[0])) },
  );
  try {
    const n = params.tensors.reduce((a, t) => a + t.size, 0);
    const expected = engine.runs.map(() => new Float64Array(n));
    for (const outcome of outcomes) {
      await loadRunParameters(engine, () => params, baseline);
      await engine.step(1);
      const grads = new Float32Array(await engine.program.debugRead('grads'));
      expected.forEach((sum, r) => {
        for (let e = 0; e < n; e++) sum[e] += outcome.prob * grads[r * n + e];
      });
    }
    return { expected, estimators: engine.runs.map((r) => r.estimator) };
  } finally {
    engine.dispose();
  }
}

/** The layer (0 = first hidden layer) of every flat parameter, for tensors [W0, b0, W1, b1, …]. */
export function layerOfParameter(params: BanditParameters): number[] {
  return params.tensors.flatMap((t, k) => Array.from({ length: t.size }, () => Math.floor(k / 2)));
}

/**
 * The smallest multiplicative bias β of one layer's learning signal (its expected gradient
 * becomes (1 + β)·exact) that moves some parameter of that layer by more than `tolerance`:
 * tolerance / max |exact| over the layer's parameters, per layer.
 */
export function detectableBias(exact: ArrayLike<number>, layers: readonly number[], tolerance: number): number[] {
  const largest: number[] = [];
  layers.forEach((l, e) => (largest[l] = Math.max(largest[l] ?? 0, Math.abs(exact[e]))));
  return largest.map((g) => tolerance / g);
}

/** max_e |got[e] − exact[e]| */
export function worstDeviation(got: ArrayLike<number>, exact: ArrayLike<number>): number {
  let worst = 0;
  for (let e = 0; e < exact.length; e++) worst = Math.max(worst, Math.abs(got[e] - exact[e]));
  return worst;
}

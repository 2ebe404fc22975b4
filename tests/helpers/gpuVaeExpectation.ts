// The WebGPU VAE's exact expected gradient on a tiny model (docs/math.md §3, §5), as the bandit's
// (helpers/gpuExpectation.ts): every joint outcome of an estimator's random choices is enumerated
// by the CPU's own enumeration (vaeTiny.ts ChoiceDraws, float64 probabilities), each outcome is
// turned into the uniforms that force it on the GPU (scripted draws in a test copy of rng.wgsl,
// every kernel unchanged), update t of the engine samples outcome t, and its batch-mean gradient
// is weighted by the outcome's probability. Outcomes per estimator at width 2: 4^L for f-HNCA
// and REINFORCE (the main pass only), 16 for LOO and 9 for DisARM at depth 1 (1024 and 324 at
// depth 2, 262 144 and 46 656 at depth 3: one GPU update and one scripted table entry each).
import { expect } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import type { VaeEstimator } from '../../src/engine/types.ts';
import { ExampleWork, VaeTables } from '../../src/models/vae/estimators.ts';
import type { VaeParams } from '../../src/models/vae/params.ts';
import { paramArrays } from '../../src/models/vae/params.ts';
import { streamKey } from '../../src/rng/counterRng.ts';
import { Stream } from '../../src/rng/streams.ts';
import { ChoiceDraws, enumerate, setInput } from '../vaeTiny.ts';
import { gpuVaeEngine, tinyVaeConfig } from './gpuVae.ts';
import { scriptedShaders, type DrawScript } from './scriptedDraws.ts';

/** Largest float32 below 1: φ = [u < p] is 0 for it whenever p ≤ 1 − 1e-5 (the clip). */
const ALMOST_ONE = 1 - 2 ** -24;

/** One uniform the GPU must draw: stream Stream.vaeBase + offset (8·pass + layer), index unit (batch 1). */
interface ScriptedDraw {
  offset: number;
  index: number;
  u: number;
}

/** One joint outcome of an estimator's choices for one example: its probability and the draws that force it. */
export interface VaeOutcome {
  prob: number;
  draws: ScriptedDraw[];
  /** the smallest distance of a scripted draw from a threshold it must not cross (float32 safety) */
  margin: number;
}

/**
 * ChoiceDraws that also record, per choice, the uniform that makes the GPU's kernels take it
 * (bernoulli_sample: φ = [u < p]; bernoulli_antithetic_sample: φ = [1 − u < p], φ~ = [u < p]).
 */
class RecordingDraws extends ChoiceDraws {
  draws: ScriptedDraw[] = [];
  margin = Infinity;
  override reset(prefix: number[]): void {
    super.reset(prefix);
    this.draws = [];
    this.margin = Infinity;
  }
  override bernoulli(pass: number, layer: number, p: Float64Array, n: number, out: Uint8Array): void {
    super.bernoulli(pass, layer, p, n, out);
    for (let i = 0; i < n; i++) this.draws.push({ offset: 8 * pass + layer, index: i, u: out[i] ? 0 : ALMOST_ONE });
  }
  override antithetic(layer: number, p: Float64Array, n: number, out: Uint8Array, anti: Uint8Array): void {
    super.antithetic(layer, p, n, out, anti);
    for (let i = 0; i < n; i++) {
      // the four cells (φ, φ~): (1, 1) and (0, 0) at u = 1/2 (p above, resp. below it), (1, 0) at u ≈ 1, (0, 1) at u = 0
      const u = out[i] === anti[i] ? 0.5 : out[i] ? ALMOST_ONE : 0;
      if (u === 0.5) this.margin = Math.min(this.margin, Math.abs(p[i] - 0.5));
      this.draws.push({ offset: layer, index: i, u });
    }
  }
}

/** Every joint outcome of `estimator`'s choices on input `x` (0/1 pixels), with its probability and forcing draws. */
export function vaeOutcomes(params: VaeParams, x: readonly number[], estimator: VaeEstimator): VaeOutcome[] {
  const work = new ExampleWork(params.sizes);
  const tables = new VaeTables(params.sizes);
  tables.update(params);
  const baselines = new Float64Array(params.shape.layers + 1);
  const outcomes: VaeOutcome[] = [];
  const d = new RecordingDraws();
  enumerate(
    (draws: RecordingDraws) => {
      setInput(work.main, x);
      work.estimate(params, estimator, draws, tables, baselines);
    },
    (prob) => outcomes.push({ prob, draws: d.draws, margin: d.margin }),
    d,
  );
  return outcomes;
}

/** Adds the script that makes update t of the runs with seed `seed` take outcomes[t]. @throws Error on a key collision */
function addScript(script: DrawScript, outcomes: readonly VaeOutcome[], seed: number): void {
  outcomes.forEach((o, t) => {
    const byKey = new Map<number, Map<number, number>>();
    for (const d of o.draws) {
      const key = streamKey(seed, t, Stream.vaeBase + d.offset);
      if (!byKey.has(key)) {
        if (script.has(key)) throw new Error(`vae script: RNG key collision at seed ${seed}, update ${t}`);
        byKey.set(key, new Map());
      }
      byKey.get(key)?.set(d.index, d.u);
    }
    for (const [key, draws] of byKey) script.set(key, draws);
  });
}

/** One group of estimators sharing a seed: the outcomes enumerated are `enumerated`'s (a refinement of the others'). */
export interface VaeScriptGroup {
  seed: number;
  /** whose choices are enumerated: every other estimator of the group reads a subset of them (the main pass) */
  enumerated: VaeEstimator;
  estimators: readonly VaeEstimator[];
}

/**
 * Per (estimator, group seed): Σ_outcomes prob · (the GPU's batch-mean gradient of the update that
 * sampled the outcome), flat in tensorSizes order. Every update starts from `params` and the
 * per-layer baselines `baseline` (imported before it), so every outcome's gradient is taken at
 * the same point. One engine runs every group's estimators × seeds (the pairs outside a group
 * are ignored); it takes as many updates as the largest group's outcomes.
 * @param dataset batch-1 copies of x (the engine's input is exactly x)
 * @param shaders the sources to run (the real ones, or a mutated copy for a mutation control)
 */
export async function gpuVaeExpectedGradients(
  params: VaeParams,
  x: readonly number[],
  dataset: Dataset,
  groups: readonly VaeScriptGroup[],
  baseline: number,
  shaders: Record<string, string>,
): Promise<Map<VaeEstimator, Float64Array>> {
  const { layers, width } = params.shape;
  const outcomes = groups.map((g) => vaeOutcomes(params, x, g.enumerated));
  for (const list of outcomes) {
    expect(Math.abs(list.reduce((a, o) => a + o.prob, 0) - 1)).toBeLessThan(1e-12);
    // every scripted u = 1/2 is far (in float32 terms) from the p it is compared with
    expect(Math.min(...list.map((o) => o.margin))).toBeGreaterThan(1e-4);
  }
  const script: DrawScript = new Map();
  groups.forEach((g, k) => addScript(script, outcomes[k], g.seed));
  const estimators = [...new Set(groups.flatMap((g) => g.estimators))];
  const config = tinyVaeConfig({ layers, width, estimators, seeds: groups.map((g) => g.seed), batch: 1, optimizer: 'sgd', lr: 1e-12 });
  const engine = await gpuVaeEngine(config, dataset, scriptedShaders(shaders, script));
  try {
    const tensors = paramArrays(params).map((a) => Float32Array.from(a));
    const n = tensors.reduce((a, t) => a + t.length, 0);
    const state = await engine.exportState();
    for (const run of state.runs) {
      run.tensors.forEach((t, k) => t.value.set(tensors[k]));
      run.baselines = [0, ...Array.from({ length: layers }, () => baseline)];
    }
    const wanted = engine.runs.flatMap((spec, r) => {
      const g = groups.findIndex((group) => group.seed === spec.seed && group.estimators.includes(spec.estimator as VaeEstimator));
      return g < 0 ? [] : [{ r, g, estimator: spec.estimator as VaeEstimator, sum: new Float64Array(n) }];
    });
    const updates = Math.max(...outcomes.map((o) => o.length));
    for (let t = 0; t < updates; t++) {
      await engine.importState({ ...state, updatesDone: t }, 'the tiny model');
      await engine.step(1);
      const grads = new Float32Array((await engine.program.debugRead('grads')).data);
      for (const w of wanted) {
        const o = outcomes[w.g][t];
        if (!o) continue;
        for (let e = 0; e < n; e++) w.sum[e] += o.prob * grads[w.r * n + e];
      }
    }
    return new Map(wanted.map((w) => [w.estimator, w.sum]));
  } finally {
    engine.dispose();
  }
}

// Exact expectations of the WebGPU engine's estimators (docs/math.md §5) without sampling error:
// the engine's kernels run unchanged, but shaders/rng.wgsl's uniform01 is replaced, in the test's
// copy of the shader sources only, by one that returns scripted draws for chosen (key, index)
// pairs — so update t can be made to sample exactly outcome t of an enumeration (every hidden
// configuration and action of a tiny network). Weighting each update's batch-mean gradient by the
// outcome's probability (float64, from the formulas) gives the engine's expected gradient to
// float32 rounding: a 1% bias in any layer's learning signal shows, where sampling needs millions
// of draws. Every draw not scripted falls through to the real counter RNG.
import { BanditParameters, type BanditShape } from '../../src/models/bandit/parameters.ts';
import { clippedSigmoid } from '../../src/models/units/bernoulli.ts';
import { streamKey } from '../../src/rng/counterRng.ts';
import { Stream } from '../../src/rng/streams.ts';

/** The real uniform01 of shaders/rng.wgsl, which scriptedShaders replaces (it checks the text is still there). */
const UNIFORM01 = /fn uniform01\(key: u32, index: u32\) -> f32 \{\n {2}return uniformFromBits\(randomBits\(key, index\)\);\n\}/;

/** draws[key][index] = the uniform in [0, 1) that uniform01(key, index) returns */
export type DrawScript = Map<number, Map<number, number>>;

/** The exact float32 bits of `u` as a WGSL expression (no decimal rounding on the way). */
function f32Literal(u: number): string {
  const bits = new Uint32Array(Float32Array.of(u).buffer)[0];
  return `bitcast<f32>(0x${bits.toString(16)}u)`;
}

/**
 * A copy of `shaders` whose uniform01 returns `script`'s draws for the scripted (key, index)
 * pairs and the counter RNG's draw for every other pair. The script is a table searched at run
 * time (a switch per key compiles ~10× slower on SwiftShader); indices of a key are 0..count−1.
 * @throws Error when rng.wgsl no longer has the uniform01 this replaces (update UNIFORM01), or a
 * key's scripted indices are not 0..count−1
 */
export function scriptedShaders(shaders: Record<string, string>, script: DrawScript): Record<string, string> {
  const rng = shaders['rng.wgsl'];
  if (!UNIFORM01.test(rng)) throw new Error('scriptedShaders: shaders/rng.wgsl has no uniform01(key, index) of the expected form');
  const keys = [...script.keys()];
  const width = Math.max(1, ...[...script.values()].map((d) => d.size));
  const counts: number[] = [];
  const draws: string[] = [];
  for (const key of keys) {
    const d = script.get(key) as Map<number, number>;
    counts.push(d.size);
    for (let i = 0; i < width; i++) {
      if (i < d.size && !d.has(i)) throw new Error(`scriptedShaders: key ${key} scripts indices other than 0..${d.size - 1}`);
      draws.push(f32Literal(d.get(i) ?? 0));
    }
  }
  const m = Math.max(1, keys.length);
  const list = (values: string[], fill: string) => (values.length ? values : [fill]).join(', ');
  const replacement = [
    `const SCRIPTED_KEYS = ${m}u;`,
    `const SCRIPTED_WIDTH = ${width}u;`,
    `var<private> scriptedKeys: array<u32, ${m}> = array<u32, ${m}>(${list(keys.map((k) => `0x${k.toString(16)}u`), '0u')});`,
    `var<private> scriptedCounts: array<u32, ${m}> = array<u32, ${m}>(${list(counts.map((c) => `${c}u`), '0u')});`,
    `var<private> scriptedDraws: array<f32, ${m * width}> = array<f32, ${m * width}>(${list(draws, '0.0')});`,
    'fn uniform01(key: u32, index: u32) -> f32 {',
    '  for (var k = 0u; k < SCRIPTED_KEYS; k++) {',
    '    if (scriptedKeys[k] == key && index < scriptedCounts[k]) {',
    '      return scriptedDraws[k * SCRIPTED_WIDTH + index];',
    '    }',
    '  }',
    '  return uniformFromBits(randomBits(key, index));',
    '}',
  ].join('\n');
  return { ...shaders, 'rng.wgsl': rng.replace(UNIFORM01, replacement) };
}

/**
 * A copy of `shaders` with `file`'s text `from` replaced by `to` (a deliberate bug for a mutation
 * control: the test that must catch it runs on these sources).
 * @throws Error when `from` is not in the file (the mutation would silently do nothing)
 */
export function mutatedShaders(shaders: Record<string, string>, file: string, from: string, to: string): Record<string, string> {
  const text = shaders[file];
  if (!text?.includes(from)) throw new Error(`mutatedShaders: ${file} has no '${from}'`);
  return { ...shaders, [file]: text.split(from).join(to) };
}

/** One joint outcome of a tiny bandit network's sampling, for one example (batch 1). */
export interface BanditOutcome {
  /** its probability (float64) */
  prob: number;
  /** per hidden layer, per unit: the uniform that makes the unit take this outcome's value */
  hiddenDraws: number[][];
  /** the uniform that makes the softmax output take this outcome's action */
  actionDraw: number;
  /** the smallest distance of any scripted draw from a boundary it must not cross (float32 safety) */
  margin: number;
}

/** Largest float32 below 1: Bernoulli φ = [u < p] is 0 for it whenever p ≤ 1 − 1e-5 (the clip). */
const ALMOST_ONE = 1 - 2 ** -24;

/** The draw in [cumulative(k−1), cumulative(k)) of category k (its midpoint) and its distance to the ends. */
function categoryDraw(prob: number[], k: number): { u: number; margin: number } {
  let below = 0;
  for (let j = 0; j < k; j++) below += prob[j];
  return { u: below + prob[k] / 2, margin: prob[k] / 2 };
}

/**
 * Every joint outcome (hidden values of every layer, then the action) of the network `params`
 * on input `x` [inputs], with its probability and the draws that force it (docs/math.md §2 for
 * Bernoulli units, §7.1 for categorical units): float64 forward passes from the formulas.
 */
export function banditOutcomes(shape: BanditShape, params: BanditParameters, x: readonly number[]): BanditOutcome[] {
  const { sizes } = shape;
  const n = shape.categories ?? 0;
  const categorical = shape.units === 'categorical';
  const logits = (k: number, input: number[]): number[] => {
    const w = params.tensors[2 * k].value;
    const b = params.tensors[2 * k + 1].value;
    return Array.from({ length: sizes[k + 1] }, (_, i) => input.reduce((acc, v, j) => acc + v * w[j * sizes[k + 1] + i], b[i]));
  };
  const softmax = (u: number[]): number[] => {
    const max = Math.max(...u);
    const e = u.map((z) => Math.exp(z - max));
    const sum = e.reduce((a, c) => a + c, 0);
    return e.map((v) => v / sum);
  };
  const out: BanditOutcome[] = [];
  const recurse = (k: number, input: number[], prob: number, draws: number[][], margin: number): void => {
    const u = logits(k, input);
    if (k === sizes.length - 2) {
      const pi = softmax(u);
      pi.forEach((p, a) => {
        const d = categoryDraw(pi, a);
        out.push({ prob: prob * p, hiddenDraws: draws, actionDraw: d.u, margin: Math.min(margin, d.margin) });
      });
      return;
    }
    if (categorical) {
      const units = u.length / n;
      const pi = Array.from({ length: units }, (_, i) => softmax(u.slice(i * n, i * n + n)));
      for (let config = 0; config < n ** units; config++) {
        let p = prob;
        let m = margin;
        const layerDraws: number[] = [];
        const next = new Array<number>(u.length).fill(-1 / n);
        for (let i = 0; i < units; i++) {
          const v = Math.floor(config / n ** i) % n;
          p *= pi[i][v];
          const d = categoryDraw(pi[i], v);
          layerDraws.push(d.u);
          m = Math.min(m, d.margin);
          next[i * n + v] += 1;
        }
        recurse(k + 1, next, p, [...draws, layerDraws], m);
      }
      return;
    }
    const p = u.map(clippedSigmoid);
    for (let config = 0; config < 1 << u.length; config++) {
      let q = prob;
      const layerDraws: number[] = [];
      const next: number[] = [];
      for (let i = 0; i < u.length; i++) {
        const phi = (config >> i) & 1;
        q *= phi ? p[i] : 1 - p[i];
        layerDraws.push(phi ? 0 : ALMOST_ONE);
        next.push(shape.hiddenValues === 'pm1' ? 2 * phi - 1 : phi);
      }
      recurse(k + 1, next, q, [...draws, layerDraws], margin);
    }
  };
  recurse(0, [...x], 1, [], Infinity);
  return out;
}

/**
 * The script that makes training update t (batch 1, RNG step t) of every run with seed `seed`
 * sample outcomes[t]: the hidden streams' draws at index = unit, the action stream's at 0.
 * @throws Error when two scripted keys collide (a 32-bit hash collision: change the seed)
 */
export function banditScript(outcomes: readonly BanditOutcome[], seed: number): DrawScript {
  const script: DrawScript = new Map();
  const add = (key: number, draws: Map<number, number>) => {
    if (script.has(key)) throw new Error(`banditScript: RNG key collision at seed ${seed}`);
    script.set(key, draws);
  };
  outcomes.forEach((o, t) => {
    o.hiddenDraws.forEach((layer, l) => add(streamKey(seed, t, Stream.hiddenBase + l), new Map(layer.map((u, i) => [i, u]))));
    add(streamKey(seed, t, Stream.action), new Map([[0, o.actionDraw]]));
  });
  return script;
}

/**
 * A mutation control's deliberate bias: `file`'s assignments `signals[at] = f(` for each f of
 * `signalFunctions` multiplied by `factor` on hidden layer `layer` only (its LayerParams.layer).
 */
export function biasLayerSignal(shaders: Record<string, string>, file: string, signalFunctions: readonly string[], layer = 0, factor = 1.1): Record<string, string> {
  const bias = `select(1.0, ${factor.toFixed(6)}, layer.layer == ${layer}u) * `;
  return signalFunctions.reduce((s, f) => mutatedShaders(s, file, `signals[at] = ${f}(`, `signals[at] = ${bias}${f}(`), shaders);
}

// Shared fixtures of the per-kernel GPU tests: a small two-hidden-layer network with random
// parameters and scratch state, and packing to the engine's [runs × capacity × width] layout.
import { expect } from 'vitest';
import { BanditRun } from '../../src/models/bandit/banditRun.ts';
import { BanditParameters } from '../../src/models/bandit/parameters.ts';
import { TestRandom } from './random.ts';

export const PIXELS = 21;
export const WIDTH = 12;
export const CHILDREN = 9;
export const ACTIONS = 5;
export const B = 13;
export const CAP = 16;
export const SEEDS = [5, 77];
export const SIZES = [PIXELS, WIDTH, CHILDREN, ACTIONS];
export const R = SEEDS.length;
/** per run: layout of the flat parameter block */
export const OFFSETS = [0, (PIXELS + 1) * WIDTH, (PIXELS + 1) * WIDTH + (WIDTH + 1) * CHILDREN];
export const PER_RUN = OFFSETS[2] + (CHILDREN + 1) * ACTIONS;

export function layerParams(k: number, centered = true): Record<string, number> {
  return {
    layer: k,
    inWidth: SIZES[k],
    outWidth: SIZES[k + 1],
    paramOffset: OFFSETS[k],
    paramsPerRun: PER_RUN,
    capacity: CAP,
    inputIsPixels: k === 0 ? 1 : 0,
    centered: centered ? 1 : 0,
    flipMagnitude: centered ? 2 : 1,
    runs: R,
    layers: 3,
    metricStride: 7,
  };
}
export const runStates = [
  { seed: SEEDS[0], group: 0, hnca: 1, useBaseline: 0, baseline: 0 },
  { seed: SEEDS[1], group: 1, hnca: 0, useBaseline: 1, baseline: 0.3125 },
];

/** per-run [batch × width] arrays → one [runs × CAP × width] f32 buffer */
export function pack(perRun: ArrayLike<number>[], width: number): Float32Array {
  const out = new Float32Array(perRun.length * CAP * width);
  perRun.forEach((a, r) => {
    for (let e = 0; e < B * width; e++) out[r * CAP * width + e] = a[e];
  });
  return out;
}
/** the [runs × CAP × width] result of run r, examples 0..B-1 */
export function unpack(data: Float32Array | Uint32Array, r: number, width: number): number[] {
  return Array.from(data.subarray(r * CAP * width, r * CAP * width + B * width));
}
export function expectPaddingPoisoned(data: Float32Array, width: number): void {
  for (let r = 0; r < R; r++) for (let e = B * width; e < CAP * width; e++) expect(Number.isNaN(data[r * CAP * width + e])).toBe(true);
}

/** a run with random parameters and a random scratch state (inputs exactly float32) */
export function randomRun(seed: number, hiddenValues: 'pm1' | '01', estimator: 'hnca' | 'reinforce'): BanditRun {
  const rnd = new TestRandom(seed);
  // two hidden layers of different widths (WIDTH, CHILDREN), so no transposition goes unnoticed
  const p = new BanditParameters({ sizes: SIZES, hiddenValues });
  for (const t of p.tensors) t.value.set(rnd.floats(t.size, -1.5, 1.5));
  const run = new BanditRun(p, estimator, B);
  const s = run.scratch;
  for (let l = 0; l < 2; l++) {
    const w = SIZES[l + 1];
    for (let e = 0; e < B * w; e++) {
      s.logit[l][e] = rnd.range(-15, 15);
      s.prob[l][e] = rnd.range(1e-5, 1 - 1e-5);
      s.sample[l][e] = rnd.bit();
      s.credit[l][e] = rnd.range(-2, 2);
    }
  }
  for (let e = 0; e < B * ACTIONS; e++) {
    s.outLogit[e] = rnd.range(-4, 4);
    s.outSignal[e] = rnd.range(-1, 1);
  }
  for (let b = 0; b < B; b++) {
    s.action[b] = rnd.int(ACTIONS);
    s.reward[b] = rnd.bit();
    s.learningSignal[b] = Math.fround(s.reward[b] - 0.3125);
  }
  return run;
}

export function flatParams(runs: BanditRun[], part: 'value' | 'grad'): Float32Array {
  const out = new Float32Array(R * PER_RUN);
  runs.forEach((run, r) => {
    for (let k = 0; k < 3; k++) {
      const at = r * PER_RUN + OFFSETS[k];
      out.set(run.params.weights[k][part], at);
      out.set(run.params.biases[k][part], at + run.params.weights[k].size);
    }
  });
  return out;
}

export const f32 = (b: ArrayBuffer) => new Float32Array(b);
export const u32 = (b: ArrayBuffer) => new Uint32Array(b);

/** [TILE, DEPTH] pairs of the tiled kernels: one stage, and several stages of the reduced dimension */
export const TILINGS: [number, number][] = [
  [16, 64],
  [8, 16],
  [4, 8],
];

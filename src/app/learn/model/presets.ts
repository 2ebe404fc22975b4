// Lessons that make a point in one click. Each preset is a tiny network, an input, a reward
// table and its weights (flat, in the engine's tensor order [W1, b1, W2, b2, …], W input-major).
import type { HiddenValues } from '../../../engine/types.ts';
import { hash32 } from '../../../rng/counterRng.ts';

export const PRESET_IDS = ['default', 'zero-weights', 'decider', 'chain', 'chain-01'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface Preset {
  id: PresetId;
  title: string;
  /** one sentence: what to look at */
  point: string;
  /** [inputs, hidden widths…, actions] */
  sizes: number[];
  hiddenValues: HiddenValues;
  x: number[];
  rewards: number[];
  weights: number[];
}

/** Number of parameters (weights and biases) of a network with these layer sizes. */
export function flatSize(sizes: readonly number[]): number {
  let n = 0;
  for (let k = 0; k + 1 < sizes.length; k++) n += sizes[k] * sizes[k + 1] + sizes[k + 1];
  return n;
}

/** Index of W_k[j, i] (k = 0 for the first layer) in the flat vector. */
export function weightIndex(sizes: readonly number[], k: number, j: number, i: number): number {
  let o = 0;
  for (let m = 0; m < k; m++) o += sizes[m] * sizes[m + 1] + sizes[m + 1];
  return o + j * sizes[k + 1] + i;
}

/** Index of b_k[i] in the flat vector. */
export function biasIndex(sizes: readonly number[], k: number, i: number): number {
  return weightIndex(sizes, k, 0, 0) + sizes[k] * sizes[k + 1] + i;
}

/** Reproducible weights in ±scale, rounded to 0.01 so they read well (biases small). */
function hashedWeights(sizes: readonly number[], salt: number, scale: number): number[] {
  return Array.from({ length: flatSize(sizes) }, (_, e) => Math.round(((hash32(salt * 7919 + e) / 2 ** 32) * 2 - 1) * scale * 100) / 100);
}

const SMALL = [4, 3, 3, 3];
const CHAIN = [4, 1, 1, 1, 1, 2];

function defaultPreset(): Preset {
  return {
    id: 'default',
    title: 'Default: 4 inputs → 3 → 3 → 3 actions',
    point: 'Walk one update: sample forward, then each unit asks its children how likely their values would be had it fired differently.',
    sizes: SMALL,
    hiddenValues: 'pm1',
    x: [1, 0, 1, 1],
    rewards: [1, -0.5, 0.5],
    weights: hashedWeights(SMALL, 3, 1.5),
  };
}

function zeroWeightsPreset(): Preset {
  const weights = hashedWeights(SMALL, 3, 1.5);
  // unit h1.2's outgoing weights (row j = 1 of W2) are zero
  for (let i = 0; i < 3; i++) weights[weightIndex(SMALL, 1, 1, i)] = 0;
  return {
    ...defaultPreset(),
    id: 'zero-weights',
    title: 'A unit with zero outgoing weights',
    point: 'Unit h1.2 cannot influence anything: HNCA gives it exactly zero credit, REINFORCE still gives its weights noisy updates.',
    weights,
  };
}

function deciderPreset(): Preset {
  const weights = hashedWeights(SMALL, 5, 0.3);
  // unit h2.1 decides the action: strong weights to the softmax
  const out = [4, -2, -2];
  out.forEach((v, a) => (weights[weightIndex(SMALL, 2, 0, a)] = v));
  return {
    ...defaultPreset(),
    id: 'decider',
    title: 'A unit that decides the action',
    point: 'Unit h2.1 alone moves the action probabilities: it gets large credit, its neighbours almost none.',
    rewards: [1, -0.5, -0.5],
    weights,
  };
}

function chainWeights(values: HiddenValues): number[] {
  const w = new Array<number>(flatSize(CHAIN)).fill(0);
  [1, 0.5, -1, 0.5].forEach((v, j) => (w[weightIndex(CHAIN, 0, j, 0)] = v));
  const strength = values === 'pm1' ? 1.5 : 3;
  for (let k = 1; k <= 3; k++) {
    w[weightIndex(CHAIN, k, 0, 0)] = strength;
    if (values === '01') w[biasIndex(CHAIN, k, 0)] = -strength / 2;
  }
  w[weightIndex(CHAIN, 4, 0, 0)] = strength;
  w[weightIndex(CHAIN, 4, 0, 1)] = -strength;
  return w;
}

function chainPreset(values: HiddenValues): Preset {
  return {
    id: values === 'pm1' ? 'chain' : 'chain-01',
    title: values === 'pm1' ? 'A deep narrow chain (±1 values)' : 'A deep narrow chain (0/1 values)',
    point:
      values === 'pm1'
        ? 'Credit reaches h1.1 only through three more units; with ±1 values every flip changes the next logit by 2w.'
        : 'The same chain with 0/1 values: a unit at 0 passes nothing on, so its outgoing weights get no gradient at all.',
    sizes: CHAIN,
    hiddenValues: values,
    x: [1, 0, 1, 1],
    rewards: [1, -1],
    weights: chainWeights(values),
  };
}

export function getPreset(id: PresetId): Preset {
  switch (id) {
    case 'default':
      return defaultPreset();
    case 'zero-weights':
      return zeroWeightsPreset();
    case 'decider':
      return deciderPreset();
    case 'chain':
      return chainPreset('pm1');
    case 'chain-01':
      return chainPreset('01');
  }
}

export function isPresetId(value: string): value is PresetId {
  return (PRESET_IDS as readonly string[]).includes(value);
}

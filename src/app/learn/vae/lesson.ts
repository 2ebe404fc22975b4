// The VAE lesson (f-HNCA, docs/math.md §3.1) as a URL: preset, step, seed, chosen unit, input and
// weights, plus the lab's settings. Malformed values fall back to the preset's with a notice.
import { parseInteger, parseList, queryPreset, queryReader, SEED_MAX } from '../model/lesson.ts';
import { paramsFromArrays, tensorSizes, type VaeParams, type VaeShape } from '../../../models/vae/params.ts';

/** 4 binary pixels, two encoder layers of 2 Bernoulli units, their decoder and prior. */
export const VAE_LESSON_SHAPE: VaeShape = { pixels: 4, layers: 2, width: 2 };
export const VAE_SIZES = [4, 2, 2] as const;
export const VAE_WEIGHT_LIMIT = 6;
/**
 * Encoder weights and biases stay within ±2.3, so no encoder logit (at most 4 inputs + a bias:
 * 5 × 2.3 = 11.5) reaches the clip at ±11.51 (docs/math.md §3), where p stops depending on u and
 * the lesson's gradients would no longer be the exact ELBO's.
 */
export const VAE_ENCODER_WEIGHT_LIMIT = 2.3;
/** The first 16 flat parameters are the encoder's (W1, b1, W2, b2). */
export const VAE_ENCODER_PARAMS = 16;

/** The editing limit of flat parameter k. */
export function vaeWeightLimit(k: number): number {
  return k < VAE_ENCODER_PARAMS ? VAE_ENCODER_WEIGHT_LIMIT : VAE_WEIGHT_LIMIT;
}
export const VAE_PARAM_COUNT = tensorSizes(VAE_LESSON_SHAPE).reduce((a, b) => a + b, 0);
export const VAE_LAB_K_MAX = 20000;

export type VaePresetId = 'default' | 'no-decoder' | 'entropy-only' | 'baseline';
export const VAE_PRESET_IDS: readonly VaePresetId[] = ['default', 'no-decoder', 'entropy-only', 'baseline'];

export interface VaePreset {
  id: VaePresetId;
  title: string;
  /** the one idea it teaches */
  point: string;
  x: number[];
  /** flat weights in tensorSizes order: W1, b1, W2, b2, D0, d0, D1, d1, d2 */
  weights: number[];
  /** chosen unit: layer 1..2, index 0..1 */
  layer: number;
  unit: number;
}

// input-major rows: W1 row j = input x_{j+1} → (h1.1, h1.2); D0 row j = h1.{j+1} → (x1..x4)
const W1 = [1.2, -0.8, 0.5, 0.9, -1.0, 1.1, 0.7, -0.4];
const B1 = [-0.2, 0.1];
const W2 = [1.5, -1.0, -0.7, 1.3];
const B2 = [0.2, -0.3];
const D0 = [1.4, -0.9, 1.1, 0.6, -0.5, 1.2, 0.8, -1.1];
const C0 = [-0.3, 0.2, -0.4, 0.1];
const D1 = [1.0, -0.6, -0.8, 1.2];
const C1 = [0.1, -0.2];
const C2 = [0.3, -0.5];

const flat = (...parts: number[][]): number[] => parts.flat();

const PRESETS: Record<VaePresetId, VaePreset> = {
  default: {
    id: 'default',
    title: 'One f-HNCA update',
    point: 'Unit h1.1 has children in the decoder (the pixels) and in the encoder (layer 2): f-HNCA credits it through both.',
    x: [1, 0, 1, 1],
    weights: flat(W1, B1, W2, B2, D0, C0, D1, C1, C2),
    layer: 1,
    unit: 0,
  },
  'no-decoder': {
    id: 'no-decoder',
    title: 'No effect on the decoder',
    point: 'h1.1 has zero weights to every pixel: its flip leaves the reconstruction unchanged (term 2 is 0), so its credit comes only through its encoder children and the terms above.',
    x: [1, 0, 1, 1],
    weights: flat(W1, B1, W2, B2, [0, 0, 0, 0, -0.5, 1.2, 0.8, -1.1], C0, D1, C1, C2),
    layer: 1,
    unit: 0,
  },
  'entropy-only': {
    id: 'entropy-only',
    title: 'Only its entropy changes',
    point: 'h2.1 is a top unit with no decoder weights and prior logit 0: flipping it changes nothing but its own entropy, so f-HNCA gives it the exact gradient of that entropy, with no noise.',
    x: [1, 0, 1, 1],
    weights: flat(W1, B1, [0, -1.0, 0, 1.3], [0.8, -0.3], D0, C0, [0, 0, -0.8, 1.2], C1, [0, -0.5]),
    layer: 2,
    unit: 0,
  },
  baseline: {
    id: 'baseline',
    title: 'The baseline at two layers',
    point: 'With a confident prior and decoder above, R_1 (everything further up) is far from 0; without a baseline f-HNCA multiplies it by ρ1 − ρ0 and h1.1\'s gradient gets noisy; the baseline removes most of that.',
    x: [1, 0, 1, 1],
    weights: flat(W1, B1, W2, [-1.5, -1.5], D0, C0, D1, [-2, -2], [4, 4]),
    layer: 1,
    unit: 0,
  },
};

export function getVaePreset(id: VaePresetId): VaePreset {
  return PRESETS[id];
}

export function isVaePresetId(s: string): s is VaePresetId {
  return (VAE_PRESET_IDS as readonly string[]).includes(s);
}

export type VaeView = 'step' | 'lab';

export interface VaeLessonState {
  preset: VaePresetId;
  view: VaeView;
  step: number;
  seed: number;
  x: number[];
  weights: number[];
  /** true once the weights differ from the preset's (then they go into the URL) */
  edited: boolean;
  layer: number;
  unit: number;
  /** lab: samples, flat parameter index */
  labK: number;
  labParam: number;
}

/** Flat index of encoder unit (layer, unit)'s bias b_layer[unit]. */
export function biasIndex(layer: number, unit: number): number {
  const sizes = tensorSizes(VAE_LESSON_SHAPE);
  let k = 0;
  for (let t = 0; t < 2 * (layer - 1) + 1; t++) k += sizes[t];
  return k + unit;
}

export function vaePresetLesson(id: VaePresetId): VaeLessonState {
  const p = getVaePreset(id);
  return { preset: id, view: 'step', step: 0, seed: 1, x: [...p.x], weights: [...p.weights], edited: false, layer: p.layer, unit: p.unit, labK: 4000, labParam: biasIndex(p.layer, p.unit) };
}

/** The lesson's network as the engine's float64 parameters (docs/math.md §3). */
export function vaeLessonParams(state: Pick<VaeLessonState, 'weights'>): VaeParams {
  if (state.weights.length !== VAE_PARAM_COUNT) throw new Error(`expected ${VAE_PARAM_COUNT} weights, got ${state.weights.length}`);
  let k = 0;
  const arrays = tensorSizes(VAE_LESSON_SHAPE).map((n) => {
    const a = Float64Array.from(state.weights.slice(k, k + n));
    k += n;
    return a;
  });
  return paramsFromArrays(VAE_LESSON_SHAPE, arrays);
}

/** Node names: x1..x4 for pixels, h{l}.{i+1} for encoder unit i of layer l. */
export function vaeNodeName(layer: number, i: number): string {
  return layer === 0 ? `x${i + 1}` : `h${layer}.${i + 1}`;
}

export interface VaeParamInfo {
  index: number;
  label: string;
  /** encoder tensors are estimated; decoder and prior gradients are exact per sample */
  encoder: boolean;
  /** the encoder layer (1..L) or decoder layer (0..L, L = prior) */
  layer: number;
}

/** One name per flat parameter: W1[x1→h1.1], b1[h1.1], …, D0[h1.1→x1], d0[x1], …, d2[h2.1] (prior). */
export function vaeParamInfos(): VaeParamInfo[] {
  const s = VAE_SIZES;
  const L = s.length - 1;
  const out: VaeParamInfo[] = [];
  const push = (label: string, encoder: boolean, layer: number): void => {
    out.push({ index: out.length, label, encoder, layer });
  };
  for (let l = 1; l <= L; l++) {
    for (let j = 0; j < s[l - 1]; j++) for (let i = 0; i < s[l]; i++) push(`W${l}[${vaeNodeName(l - 1, j)}→${vaeNodeName(l, i)}]`, true, l);
    for (let i = 0; i < s[l]; i++) push(`b${l}[${vaeNodeName(l, i)}]`, true, l);
  }
  for (let m = 0; m < L; m++) {
    for (let j = 0; j < s[m + 1]; j++) for (let i = 0; i < s[m]; i++) push(`D${m}[${vaeNodeName(m + 1, j)}→${vaeNodeName(m, i)}]`, false, m);
    for (let i = 0; i < s[m]; i++) push(`d${m}[${vaeNodeName(m, i)}]`, false, m);
  }
  for (let i = 0; i < s[L]; i++) push(`d${L}[${vaeNodeName(L, i)}] (prior)`, false, L);
  return out;
}

/** The step-through's steps, in order. */
export type VaeStep =
  | { kind: 'input' }
  | { kind: 'encoder'; layer: number }
  | { kind: 'decoder' }
  | { kind: 'children' }
  | { kind: 'rho' }
  | { kind: 'terms' }
  | { kind: 'signal' }
  | { kind: 'gradients' };

export const VAE_STEPS: readonly VaeStep[] = [
  { kind: 'input' },
  { kind: 'encoder', layer: 1 },
  { kind: 'encoder', layer: 2 },
  { kind: 'decoder' },
  { kind: 'children' },
  { kind: 'rho' },
  { kind: 'terms' },
  { kind: 'signal' },
  { kind: 'gradients' },
];

/** Reads a VAE lesson from a query string (the `lesson=vae` URLs). */
export function parseVaeLesson(search: string): { state: VaeLessonState; notices: string[] } {
  const q = new URLSearchParams(search);
  const notices: string[] = [];
  const preset = queryPreset(q, notices, isVaePresetId, 'default', 'the default VAE lesson');
  const state = vaePresetLesson(preset);
  const read = queryReader(q, notices);
  read('view', (t) => (t === 'step' || t === 'lab' ? ((state.view = t), true) : false), 'expected step or lab');
  read('seed', (t) => {
    const v = parseInteger(t, 0, SEED_MAX);
    return v === null ? false : ((state.seed = v), true);
  }, 'expected a whole number ≥ 0');
  read('step', (t) => {
    const v = parseInteger(t, 0, VAE_STEPS.length - 1);
    return v === null ? false : ((state.step = v), true);
  }, `expected 0 … ${VAE_STEPS.length - 1}`);
  read('unit', (t) => {
    const m = /^h([12])\.([12])$/.exec(t);
    return m ? ((state.layer = Number(m[1])), (state.unit = Number(m[2]) - 1), true) : false;
  }, 'expected h1.1, h1.2, h2.1 or h2.2');
  read('x', (t) => {
    const v = parseList(t, VAE_SIZES[0], (n) => n === 0 || n === 1);
    return v === null ? false : ((state.x = v), true);
  }, `expected ${VAE_SIZES[0]} values 0 or 1`);
  read('w', (t) => {
    const v = parseList(t, VAE_PARAM_COUNT, (n) => Number.isFinite(n));
    const ok = v !== null && v.every((n, k) => Math.abs(n) <= vaeWeightLimit(k));
    return v === null || !ok ? false : ((state.weights = v), (state.edited = true), true);
  }, `expected ${VAE_PARAM_COUNT} weights: the encoder's ${VAE_ENCODER_PARAMS} in ±${VAE_ENCODER_WEIGHT_LIMIT}, the rest in ±${VAE_WEIGHT_LIMIT}`);
  read('k', (t) => {
    const v = parseInteger(t, 10, VAE_LAB_K_MAX);
    return v === null ? false : ((state.labK = v), true);
  }, `expected 10 … ${VAE_LAB_K_MAX}`);
  read('param', (t) => {
    const v = parseInteger(t, 0, VAE_PARAM_COUNT - 1);
    return v === null ? false : ((state.labParam = v), true);
  }, 'no such parameter');
  return { state, notices };
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** The query string of a VAE lesson: `lesson=vae` and only what differs from the preset. */
export function serializeVaeLesson(state: VaeLessonState): string {
  const base = vaePresetLesson(state.preset);
  const q = new URLSearchParams();
  q.set('lesson', 'vae');
  q.set('preset', state.preset);
  if (state.view !== base.view) q.set('view', state.view);
  q.set('step', String(state.step));
  q.set('seed', String(state.seed));
  if (state.layer !== base.layer || state.unit !== base.unit) q.set('unit', vaeNodeName(state.layer, state.unit));
  if (!sameList(state.x, base.x)) q.set('x', state.x.join(','));
  if (state.edited) q.set('w', state.weights.map((v) => String(Math.round(v * 1e4) / 1e4)).join(','));
  if (state.labK !== base.labK) q.set('k', String(state.labK));
  if (state.labParam !== base.labParam) q.set('param', String(state.labParam));
  return `?${q.toString()}`;
}

// One f-HNCA update of a tiny VAE, taken apart for the Learn page (docs/math.md §3, §3.1, §3.2):
// the engine's ExampleWork runs each estimator on the same draws; this module only reads its
// PassState and scratch arrays and breaks the chosen unit's counterfactuals into per-child
// factors (which tests prove add up to the engine's sums). Exact moments by enumeration of
// every encoder configuration (2^units; tiny networks only).
import type { VaeEstimator } from '../../engine/estimators.ts';
import { bernoulliEntropy, clampLogit, logSigmoid, rhoPair } from '../units/bernoulli.ts';
import type { VaeDraws } from './draws.ts';
import { RngDraws } from './draws.ts';
import { decoderAboveTerm, ExampleWork, VaeTables } from './estimators.ts';
import { encoderLogProb, type PassState } from './forward.ts';
import { addExampleGradients } from './gradients.ts';
import { tensorSizes, type VaeParams } from './params.ts';

/** The estimators the lesson and its lab compare, in display order. */
export const VAE_LESSON_ESTIMATORS = ['fhnca', 'fhnca-baseline', 'reinforce', 'reinforce-baseline'] as const satisfies readonly VaeEstimator[];
export type VaeLessonEstimator = (typeof VAE_LESSON_ESTIMATORS)[number];

/** Draws that return a fixed configuration: config[l][i] is φ_{l,i} (l = 1..L; index 0 unused). Exact enumeration. */
export class FixedDraws implements VaeDraws {
  constructor(readonly config: readonly (readonly number[])[]) {}
  bernoulli(_pass: number, layer: number, _p: Float64Array, n: number, out: Uint8Array): void {
    for (let i = 0; i < n; i++) out[i] = this.config[layer][i];
  }
  antithetic(): void {
    throw new Error('FixedDraws: the lesson draws no antithetic pairs');
  }
}

/** The engine's training draws of update `step` with `seed` (example 0). */
export function lessonDraws(params: VaeParams, seed: number, step = 0): RngDraws {
  const d = new RngDraws(params.shape.width);
  d.setStep(seed, step, params.shape.layers);
  d.setExample(0);
  return d;
}

/** Every configuration of the encoder layers 1..L as config[l][i] (index 0 empty), 2^(Σ sizes) of them. */
export function encoderConfigurations(sizes: readonly number[]): number[][][] {
  const units = sizes.slice(1).reduce((a, b) => a + b, 0);
  if (units > 16) throw new Error(`enumeration needs at most 16 encoder units, got ${units}`);
  const out: number[][][] = [];
  for (let code = 0; code < 2 ** units; code++) {
    let bit = 0;
    const config: number[][] = [[]];
    for (let l = 1; l < sizes.length; l++) config.push(Array.from({ length: sizes[l] }, () => (code >> bit++) & 1));
    out.push(config);
  }
  return out;
}

/** A work object with the input x (0/1 pixels) set. */
function workFor(params: VaeParams, x: readonly number[]): ExampleWork {
  if (x.length !== params.sizes[0]) throw new Error(`expected ${params.sizes[0]} pixels, got ${x.length}`);
  const work = new ExampleWork(params.sizes);
  const on = x.flatMap((v, j) => (v === 1 ? [j] : []));
  work.main.setInput(on, 0, on.length);
  return work;
}

/** log q(φ_1..L | x) of the work's sampled configuration (clipped probabilities). */
function logQ(params: VaeParams, main: PassState): number {
  let s = 0;
  for (let l = 1; l <= params.shape.layers; l++) s += encoderLogProb(params, l, main);
  return s;
}

/** One estimator's parameter gradient (tensorSizes order, flattened) for given draws and baselines b_l ([L+1], index 0 unused). */
export function exampleGradient(params: VaeParams, x: readonly number[], estimator: VaeEstimator, draws: VaeDraws, baselines: Float64Array): { work: ExampleWork; grad: Float64Array } {
  const work = workFor(params, x);
  const tables = new VaeTables(params.sizes);
  tables.update(params);
  work.estimate(params, estimator, draws, tables, baselines);
  const grads = tensorSizes(params.shape).map((n) => new Float64Array(n));
  addExampleGradients(params, work, grads);
  const flat = new Float64Array(grads.reduce((a, g) => a + g.length, 0));
  let k = 0;
  for (const g of grads) {
    flat.set(g, k);
    k += g.length;
  }
  return { work, grad: flat };
}

export interface VaeExact {
  /** E_q[f] (nats) */
  elbo: number;
  /** per layer l = 1..L: E[R_l + log p_l(φ_l|φ_{l+1})] (f-HNCA's baseline target) and E[F_l] (REINFORCE's) */
  fhncaBaseline: Float64Array;
  reinforceBaseline: Float64Array;
}

/** Exact ELBO and the expectations the running-average baselines converge to, by enumeration. */
export function exactVae(params: VaeParams, x: readonly number[]): VaeExact {
  const L = params.shape.layers;
  const out: VaeExact = { elbo: 0, fhncaBaseline: new Float64Array(L + 1), reinforceBaseline: new Float64Array(L + 1) };
  const zero = new Float64Array(L + 1);
  for (const config of encoderConfigurations(params.sizes)) {
    const draws = new FixedDraws(config);
    const a = exampleGradient(params, x, 'fhnca', draws, zero).work;
    const b = exampleGradient(params, x, 'reinforce', draws, zero).work;
    const w = Math.exp(logQ(params, a.main));
    out.elbo += w * a.elbo;
    for (let l = 1; l <= L; l++) {
      out.fhncaBaseline[l] += w * a.baselineTarget[l];
      out.reinforceBaseline[l] += w * b.baselineTarget[l];
    }
  }
  return out;
}

/** The baselines b_l each lesson estimator uses: the exact expectation for '+ baseline', 0 otherwise. */
export function lessonBaselines(exact: VaeExact, estimator: VaeLessonEstimator): Float64Array {
  if (estimator === 'fhnca-baseline') return exact.fhncaBaseline;
  if (estimator === 'reinforce-baseline') return exact.reinforceBaseline;
  return new Float64Array(exact.fhncaBaseline.length);
}

/** Exact mean and variance of one estimator's per-parameter gradient over every configuration. */
export function exactMomentsVae(params: VaeParams, x: readonly number[], estimator: VaeEstimator, baselines: Float64Array): { mean: Float64Array; variance: Float64Array } {
  const n = tensorSizes(params.shape).reduce((a, b) => a + b, 0);
  const mean = new Float64Array(n);
  const second = new Float64Array(n);
  for (const config of encoderConfigurations(params.sizes)) {
    const { work, grad } = exampleGradient(params, x, estimator, new FixedDraws(config), baselines);
    const w = Math.exp(logQ(params, work.main));
    for (let k = 0; k < n; k++) {
      mean[k] += w * grad[k];
      second[k] += w * grad[k] * grad[k];
    }
  }
  const variance = mean.map((m, k) => Math.max(0, second[k] - m * m));
  return { mean, variance };
}

/** One child of the chosen unit under a flip: its logit actual and flipped, and what that does to the child's term. */
export interface ChildFlip {
  /** child index in its layer */
  c: number;
  /** the child's 0/1 value */
  value: number;
  /** weight from the chosen unit to the child */
  w: number;
  /** logit as sampled and with the unit flipped (encoder: clamped) */
  logit: number;
  logitFlip: number;
  /** log-probability of the child's value, actual and flipped */
  logProb: number;
  logProbFlip: number;
  /** encoder children: the child's entropy actual and flipped (0 for decoder children) */
  entropy: number;
  entropyFlip: number;
}

/** The chosen unit's side of the update (docs/math.md §3.1 terms 1–5). */
export interface UnitExplained {
  layer: number;
  unit: number;
  phi: number;
  /** Δ = 1 − 2φ: the flip's sign */
  delta: number;
  u: number;
  p: number;
  /** children in the decoder layer below (p_{l-1}) and in the next encoder layer (q_{l+1}; empty at the top) */
  decoderChildren: ChildFlip[];
  encoderChildren: ChildFlip[];
  /** the engine's flip deltas: Dn (decoder below), log Q and encoder-child entropy */
  dn: number;
  dlq: number;
  dent: number;
  /** Q(1), Q(0): products of the encoder children's probabilities with the unit forced (1 when no children) */
  q1: number;
  q0: number;
  rho1: number;
  rho0: number;
  /** terms 1–4 and the mediated R_l; term 5 = (ρ1 − ρ0)(R_l − b_l) */
  terms: [number, number, number, number];
  furtherUp: number;
  /** the decoder term above, log p_l(φ_l | φ_{l+1}), and its logit v_i */
  decAbove: number;
  vAbove: number;
  /** REINFORCE's F_l */
  downstream: number;
}

export interface VaeUpdateExplained {
  params: VaeParams;
  sizes: readonly number[];
  x: readonly number[];
  /** the engine's pass state (f-HNCA run) */
  main: PassState;
  elbo: number;
  exact: VaeExact;
  /** per lesson estimator: baselines used, logit gradients per layer [L+1][units], flat parameter gradient */
  estimates: Record<VaeLessonEstimator, { baselines: Float64Array; encGrad: Float64Array[]; grad: Float64Array }>;
  unit: UnitExplained;
  /** per lesson estimator: exact mean (= the exact gradient) and variance of every parameter's one-sample gradient */
  moments: Record<VaeLessonEstimator, { mean: Float64Array; variance: Float64Array }>;
}

/** logits: as used (encoder: clamped); raw: before clamping (the flip shifts these); encoder children are clamped again. */
function childFlips(w: ArrayLike<number>, row: number, nChildren: number, delta: number, logits: Float64Array, raw: Float64Array, values: Uint8Array, encoder: boolean): ChildFlip[] {
  const out: ChildFlip[] = [];
  for (let c = 0; c < nChildren; c++) {
    const wc = w[row * nChildren + c];
    const logit = logits[c];
    const flip = encoder ? clampLogit(raw[c] + delta * wc) : raw[c] + delta * wc;
    const sign = values[c] === 1 ? 1 : -1;
    out.push({
      c,
      value: values[c],
      w: wc,
      logit,
      logitFlip: flip,
      logProb: logSigmoid(sign * logit),
      logProbFlip: logSigmoid(sign * flip),
      entropy: encoder ? bernoulliEntropy(logit) : 0,
      entropyFlip: encoder ? bernoulliEntropy(flip) : 0,
    });
  }
  return out;
}

/**
 * One update of the lesson: every lesson estimator on the same draws (the engine's, or injected),
 * and unit (layer, unit)'s counterfactual breakdown. layer is 1..L.
 */
export function explainVaeUpdate(params: VaeParams, x: readonly number[], draws: VaeDraws, layer: number, unit: number, exact = exactVae(params, x)): VaeUpdateExplained {
  const L = params.shape.layers;
  const { sizes } = params;
  if (layer < 1 || layer > L || unit < 0 || unit >= sizes[layer]) throw new Error(`no encoder unit ${layer}.${unit + 1}`);
  const estimates = {} as VaeUpdateExplained['estimates'];
  const moments = {} as VaeUpdateExplained['moments'];
  for (const est of VAE_LESSON_ESTIMATORS) moments[est] = exactMomentsVae(params, x, est, lessonBaselines(exact, est));
  let fh: ExampleWork | null = null;
  let rf: ExampleWork | null = null;
  for (const est of VAE_LESSON_ESTIMATORS) {
    const baselines = lessonBaselines(exact, est);
    const { work, grad } = exampleGradient(params, x, est, draws, baselines);
    estimates[est] = { baselines, encGrad: work.encGrad.map((g) => Float64Array.from(g)), grad };
    if (est === 'fhnca') fh = work;
    if (est === 'reinforce') rf = work;
  }
  if (!fh || !rf) throw new Error('explainVaeUpdate: f-HNCA and REINFORCE must both run');
  const s = fh.main;
  const i = unit;
  const l = layer;
  const phi = s.phi[l][i];
  const delta = phi === 1 ? -1 : 1;
  const decoderChildren = childFlips(params.decW[l - 1], i, sizes[l - 1], delta, s.v[l - 1], s.v[l - 1], s.phi[l - 1], false);
  const top = l === L;
  const encoderChildren = top ? [] : childFlips(params.encW[l], i, sizes[l + 1], delta, s.ut[l + 1], s.u[l + 1], s.phi[l + 1], true);
  let logQActual = 0;
  let logQFlip = 0;
  for (const ch of encoderChildren) {
    logQActual += ch.logProb;
    logQFlip += ch.logProbFlip;
  }
  const q1 = Math.exp(phi === 1 ? logQActual : logQFlip);
  const q0 = Math.exp(phi === 1 ? logQFlip : logQActual);
  const p = s.p[l][i];
  const dlq = top ? 0 : fh.dlq[l][i];
  const rho = new Float64Array([1, 1]);
  if (!top) rhoPair(p, s.q[l][i], -delta * dlq, rho);
  const dn = fh.dn[l][i];
  const dent = top ? 0 : fh.dent[l][i];
  const decAbove = s.dec[l];
  const vAbove = s.v[l][i];
  const terms: [number, number, number, number] = [-s.ut[l][i], delta * dn, decoderAboveTerm(vAbove, phi, decAbove, rho[0], rho[1]), delta * dent];
  return {
    params,
    sizes,
    x,
    main: s,
    elbo: fh.elbo,
    exact,
    estimates,
    moments,
    unit: {
      layer: l,
      unit: i,
      phi,
      delta,
      u: s.u[l][i],
      p,
      decoderChildren,
      encoderChildren,
      dn,
      dlq,
      dent,
      q1,
      q0,
      rho1: rho[0],
      rho0: rho[1],
      terms,
      furtherUp: fh.furtherUp(l),
      decAbove,
      vAbove,
      downstream: rf.downstream(l),
    },
  };
}

/**
 * K one-sample gradients of each lesson estimator, drawn with the engine's training draws of
 * updates 0..K-1 (all estimators on the same draws): samples[r] is [K × parameters].
 * Moments per parameter for the lab (docs/math.md §4: variance of a one-sample estimate).
 */
export class VaeLessonSampler {
  count = 0;
  readonly parameters: number;
  readonly samples: Float64Array[];
  private readonly baselines: Float64Array[];
  constructor(
    private readonly params: VaeParams,
    private readonly x: readonly number[],
    readonly capacity: number,
    private readonly seed: number,
    exact: VaeExact,
  ) {
    this.parameters = tensorSizes(params.shape).reduce((a, b) => a + b, 0);
    this.samples = VAE_LESSON_ESTIMATORS.map(() => new Float64Array(capacity * this.parameters));
    this.baselines = VAE_LESSON_ESTIMATORS.map((e) => lessonBaselines(exact, e));
  }
  /** Draws up to n more samples of every estimator; returns how many were drawn. */
  draw(n: number): number {
    const end = Math.min(this.capacity, this.count + n);
    const drawn = end - this.count;
    for (let k = this.count; k < end; k++) {
      VAE_LESSON_ESTIMATORS.forEach((e, r) => {
        const { grad } = exampleGradient(this.params, this.x, e, lessonDraws(this.params, this.seed, k), this.baselines[r]);
        this.samples[r].set(grad, k * this.parameters);
      });
    }
    this.count = end;
    return drawn;
  }
  /** The first `count` samples of estimator r for parameter p. */
  values(r: number, p: number): Float64Array {
    const out = new Float64Array(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.samples[r][k * this.parameters + p];
    return out;
  }
  mean(r: number, p: number): number {
    let s = 0;
    for (let k = 0; k < this.count; k++) s += this.samples[r][k * this.parameters + p];
    return this.count ? s / this.count : Number.NaN;
  }
  /** Sample variance (n − 1). */
  variance(r: number, p: number): number {
    if (this.count < 2) return Number.NaN;
    const m = this.mean(r, p);
    let s = 0;
    for (let k = 0; k < this.count; k++) s += (this.samples[r][k * this.parameters + p] - m) ** 2;
    return s / (this.count - 1);
  }
  standardError(r: number, p: number): number {
    return Math.sqrt(this.variance(r, p) / this.count);
  }
}

// The exact-gradient lab: the exact gradient of E[r] on a tiny network by enumerating every
// hidden configuration and action, the exact mean and variance of each estimator (every
// configuration forced through BanditRun), and K sampled estimates of each estimator drawn
// through the engine with the counter-based RNG.
import { BANDIT_ESTIMATORS, type BanditEstimator } from '../../engine/estimators.ts';
import { Stream } from '../../rng/streams.ts';
import type { SparseBinaryRows } from '../../data/minibatch.ts';
import { BanditRun, type RewardSource } from './banditRun.ts';
import { clippedSigmoid, PROB_MAX, PROB_MIN } from '../units/bernoulli.ts';
import { softmaxInto } from '../units/softmax.ts';
import { forwardKeys } from './forward.ts';
import { categoriesOf, type BanditParameters } from './parameters.ts';
import { flattenGradients, flattenValues, ForcedSource, hiddenConfigurations, parameterCount, sparseRow, type TinyProblem } from './tinyNetwork.ts';

export const LAB_ESTIMATORS: readonly BanditEstimator[] = BANDIT_ESTIMATORS;

/** Offsets of W_k and b_k in the flat parameter vector. */
function tensorOffsets(sizes: readonly number[]): { w: number; b: number }[] {
  const out: { w: number; b: number }[] = [];
  let o = 0;
  for (let k = 0; k + 1 < sizes.length; k++) {
    out.push({ w: o, b: o + sizes[k] * sizes[k + 1] });
    o += sizes[k] * sizes[k + 1] + sizes[k + 1];
  }
  return out;
}

/**
 * E[r] and its exact gradient: Σ over hidden configurations h and actions a of
 * P(h, a) r(a) ∇log P(h, a), where ∂log P/∂u_i = φ_i − p_i for a Bernoulli unit (0 where
 * p is clipped) and ∂log π(a)/∂z_k = [k = a] − π_k.
 * @throws Error for a network of categorical units (docs/math.md §7.1)
 */
export function exactGradient(params: BanditParameters, problem: TinyProblem): { expectedReward: number; gradient: Float64Array } {
  if (categoriesOf(params.shape)) throw new Error('exactGradient enumerates Bernoulli units only (categorical networks: tests/helpers/tinyBandit.ts)');
  const { sizes, hiddenValues } = params.shape;
  const flat = flattenValues(params);
  const offsets = tensorOffsets(sizes);
  const gradient = new Float64Array(flat.length);
  const layers = sizes.length - 1;
  const value = (phi: number): number => (hiddenValues === 'pm1' ? 2 * phi - 1 : phi);
  const logits = (k: number, input: readonly number[]): number[] =>
    Array.from({ length: sizes[k + 1] }, (_, i) => {
      let u = flat[offsets[k].b + i];
      for (let j = 0; j < sizes[k]; j++) u += input[j] * flat[offsets[k].w + j * sizes[k + 1] + i];
      return u;
    });
  let expectedReward = 0;
  for (const bits of hiddenConfigurations(sizes.slice(1, -1))) {
    let prob = 1;
    const inputs: number[][] = [problem.x];
    const scores: number[][] = [];
    for (let k = 0; k + 1 < layers; k++) {
      const u = logits(k, inputs[k]);
      const score = u.map((uk, i) => {
        const p = clippedSigmoid(uk);
        prob *= bits[k][i] ? p : 1 - p;
        return p <= PROB_MIN || p >= PROB_MAX ? 0 : bits[k][i] - p;
      });
      scores.push(score);
      inputs.push(bits[k].map(value));
    }
    const z = logits(layers - 1, inputs[layers - 1]);
    const pi = new Float64Array(z.length);
    softmaxInto(z, 0, z.length, pi);
    pi.forEach((pa, a) => {
      const weight = prob * pa * problem.rewards[a];
      expectedReward += weight;
      if (weight === 0) return;
      const allScores = [...scores, Array.from(pi, (pk, k) => (k === a ? 1 : 0) - pk)];
      for (let k = 0; k < layers; k++) {
        const width = sizes[k + 1];
        for (let i = 0; i < width; i++) {
          const g = weight * allScores[k][i];
          gradient[offsets[k].b + i] += g;
          for (let j = 0; j < sizes[k]; j++) gradient[offsets[k].w + j * width + i] += g * inputs[k][j];
        }
      }
    });
  }
  return { expectedReward, gradient };
}

export interface EstimatorMoments {
  mean: Float64Array;
  variance: Float64Array;
}

/**
 * Exact mean and variance of an estimator: every hidden configuration (Bernoulli or categorical
 * units, docs/math.md §7.1) and action forced through BanditRun.
 * @throws Error when a forced sample was not drawn or the enumerated probabilities do not sum to 1
 */
export function exactMoments(params: BanditParameters, problem: TinyProblem, estimator: BanditEstimator, baseline: number): EstimatorMoments {
  const { sizes } = params.shape;
  const actions = sizes[sizes.length - 1];
  const run = new BanditRun(params, estimator, 1);
  const input = sparseRow(problem.x);
  const rewards = { labels: [0], table: Float64Array.from(problem.rewards) };
  const n = parameterCount(params);
  const mean = new Float64Array(n);
  const second = new Float64Array(n);
  const g = new Float64Array(n);
  let totalProbability = 0;
  const categories = categoriesOf(params.shape);
  const units = categories ? sizes.slice(1, -1).map((width) => width / categories) : sizes.slice(1, -1);
  for (const bits of hiddenConfigurations(units, categories || 2)) {
    for (let a = 0; a < actions; a++) {
      run.estimateGradients(input, new ForcedSource(bits, a), rewards, baseline);
      const s = run.scratch;
      if (s.action[0] !== a) throw new Error(`forced action ${a} was sampled as ${s.action[0]}`);
      let prob = s.outProb[a];
      if (categories) {
        // categorical units (docs/math.md §7.1): pi_i(v) of the forced value
        bits.forEach((layer, l) =>
          layer.forEach((v, i) => {
            if (s.value[l][i] !== v) throw new Error(`forced value ${v} of unit ${i} in layer ${l} was sampled as ${s.value[l][i]}`);
            prob *= s.prob[l][i * categories + v];
          }),
        );
      } else bits.forEach((layer, l) => layer.forEach((phi, i) => (prob *= phi ? s.prob[l][i] : 1 - s.prob[l][i])));
      totalProbability += prob;
      flattenGradients(params, g);
      for (let e = 0; e < n; e++) {
        mean[e] += prob * g[e];
        second[e] += prob * g[e] * g[e];
      }
    }
  }
  if (Math.abs(totalProbability - 1) > 1e-9) throw new Error(`enumerated probabilities sum to ${totalProbability}, not 1`);
  return { mean, variance: mean.map((m, e) => Math.max(0, second[e] - m * m)) };
}

/**
 * K sampled per-example estimates of each lab estimator, drawn in chunks (so a page can stay
 * responsive). Sample k of every estimator uses the uniforms of (seed, step k), so the
 * estimators see the same hidden samples and actions (common random numbers).
 */
export class EstimatorSampler {
  readonly parameters: number;
  /** samples[estimator][k·parameters + e] */
  readonly samples: Float64Array[];
  count = 0;
  private readonly runs: BanditRun[];
  private readonly sums: Float64Array[];
  private readonly sumSquares: Float64Array[];
  private readonly input: SparseBinaryRows;
  private readonly rewards: RewardSource;
  constructor(
    readonly params: BanditParameters,
    readonly problem: TinyProblem,
    readonly capacity: number,
    readonly seed: number,
    readonly baseline: number,
  ) {
    this.parameters = parameterCount(params);
    this.runs = LAB_ESTIMATORS.map((e) => new BanditRun(params, e, 1));
    this.samples = LAB_ESTIMATORS.map(() => new Float64Array(capacity * this.parameters));
    this.sums = LAB_ESTIMATORS.map(() => new Float64Array(this.parameters));
    this.sumSquares = LAB_ESTIMATORS.map(() => new Float64Array(this.parameters));
    this.input = sparseRow(problem.x);
    this.rewards = { labels: [0], table: Float64Array.from(problem.rewards) };
  }

  /** Draws up to n more samples of every estimator; returns how many were drawn. */
  draw(n: number): number {
    const { sizes } = this.params.shape;
    const P = this.parameters;
    const end = Math.min(this.capacity, this.count + n);
    const drawn = end - this.count;
    for (let k = this.count; k < end; k++) {
      const source = forwardKeys(this.seed, k, Stream.hiddenBase, Stream.action, sizes.length - 2);
      this.runs.forEach((run, r) => {
        run.estimateGradients(this.input, source, this.rewards, this.baseline);
        const g = flattenGradients(this.params, this.samples[r].subarray(k * P, (k + 1) * P));
        for (let e = 0; e < P; e++) {
          this.sums[r][e] += g[e];
          this.sumSquares[r][e] += g[e] * g[e];
        }
      });
    }
    this.count = end;
    return drawn;
  }

  mean(estimator: number, e: number): number {
    return this.count ? this.sums[estimator][e] / this.count : Number.NaN;
  }

  /** unbiased sample variance */
  variance(estimator: number, e: number): number {
    const n = this.count;
    if (n < 2) return Number.NaN;
    const m = this.sums[estimator][e] / n;
    return Math.max(0, (this.sumSquares[estimator][e] - n * m * m) / (n - 1));
  }

  standardError(estimator: number, e: number): number {
    return Math.sqrt(this.variance(estimator, e) / this.count);
  }

  /** The first count estimates of parameter e (a copy). */
  values(estimator: number, e: number): Float64Array {
    const out = new Float64Array(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.samples[estimator][k * this.parameters + e];
    return out;
  }
}

// One training run of the contextual bandit: parameters, optimizer state, baseline and
// counters; one update = forward, credit, signals, gradients, ascent step, metrics.
import type { SparseBinaryRows } from '../../data/minibatch.ts';
import { ascentStep, type ParameterTensor } from '../../engine/optimizer.ts';
import { banditEstimator, type BanditEstimator, type BanditSignal } from '../../engine/estimators.ts';
import { zeroCounters } from '../../engine/records.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import type { OptimizerConfig, RunCounters } from '../../engine/types.ts';
import { forwardBatch, type UniformSource } from './forward.ts';
import { accumulateGradients, hncaSignals, layerVarianceSums, outputSignals, reinforceSignals } from './gradients.ts';
import { ShiftedGradientVariance } from '../../engine/gradientVariance.ts';
import { runningMeanBaseline } from '../units/baseline.ts';
import { BernoulliUnits } from '../units/bernoulli.ts';
import { FlipTables } from '../units/flipTables.ts';
import { bernoulliChildrenCredit, ChildScratch, softmaxChildCredit } from './messages.ts';
import { CategoricalCreditScratch, categoricalCredit, categoricalForwardBatch, categoricalSignals } from './categoricalLayers.ts';
import { BanditParameters, categoriesOf } from './parameters.ts';
import { BanditScratch } from './scratch.ts';

/** Rewards of one batch: r = [a = label], or a fixed table r(b, a) (tiny tasks, classroom). */
export interface RewardSource {
  labels: ArrayLike<number>;
  /** batch × actions rewards; when present it replaces the label comparison */
  table?: Float64Array;
}

/** Whether a learning signal needs the children's HNCA credit (docs/math.md §2); exhaustive over BanditSignal. */
function needsCredit(signal: BanditSignal): boolean {
  switch (signal) {
    case 'hnca':
      return true;
    case 'score-function':
      return false;
  }
}

export class BanditRun {
  /** the estimator's learning signal is HNCA's credit (else REINFORCE's score function) */
  readonly hnca: boolean;
  /** the learning signal subtracts the moving-average baseline */
  readonly useBaseline: boolean;
  /** N of the categorical hidden units (docs/math.md §7.1), 0 for Bernoulli units */
  readonly categories: number;
  /** moving-average reward baseline bbar (docs/math.md §2) */
  baseline = 0;
  /** Adam's step counter */
  optimizerSteps = 0;
  scratch: BanditScratch;
  readonly counters: RunCounters;
  private readonly tables: FlipTables[] = [];
  private readonly childScratch: ChildScratch;
  private readonly expScratch: Float64Array;
  /** categorical units (docs/math.md §7.1): working memory of their credit */
  private readonly categoricalScratch: CategoricalCreditScratch;
  /** per layer k: Σ_b ‖g_b‖²/B of this update (docs/math.md §4) */
  readonly secondMoments: Float64Array;
  /** per layer, Σ over its parameters of the batch variance of the gradients, by shifted sums (layerVarianceSums) */
  readonly layerVariance: Float64Array;
  private readonly variance: ShiftedGradientVariance[];
  /** per tensor: ‖gbar‖² of this update, filled by the ascent step */
  readonly sumSquares: Float64Array;

  /**
   * `capacity`: the largest batch the scratch holds before it is reallocated; `arrays`: where the
   * scratch lives (the CPU engine passes the run's WASM kernel arena, which also holds params).
   */
  constructor(
    readonly params: BanditParameters,
    readonly estimator: BanditEstimator,
    capacity: number,
    private readonly arrays: ArrayAllocator = heapArrays,
  ) {
    const { signal, baseline } = banditEstimator(estimator);
    this.hnca = needsCredit(signal);
    this.useBaseline = baseline;
    this.categories = categoriesOf(params.shape);
    this.scratch = new BanditScratch(params.shape, capacity, arrays);
    const { sizes } = params.shape;
    // flip tables for every weight matrix that feeds a child of a hidden unit (layers 1..L);
    // categorical units (docs/math.md §7.1) read them as exp(±W) (magnitude 1)
    for (let k = 1; k < params.layerCount; k++) this.tables.push(new FlipTables(sizes[k], sizes[k + 1], arrays));
    const widest = Math.max(...sizes);
    this.childScratch = new ChildScratch(widest, arrays);
    this.expScratch = arrays.f64(2 * sizes[sizes.length - 1]);
    this.categoricalScratch = new CategoricalCreditScratch(this.categories ? widest : 0);
    this.secondMoments = new Float64Array(params.layerCount);
    this.layerVariance = new Float64Array(params.layerCount);
    this.variance = Array.from({ length: params.layerCount }, (_, k) => new ShiftedGradientVariance(sizes[k], sizes[k + 1]));
    this.sumSquares = new Float64Array(params.tensors.length);
    this.counters = zeroCounters(params.layerCount);
  }

  /** Reallocates the scratch for `batch` examples if it holds fewer (from the arena while it has room, else the heap). */
  ensureCapacity(batch: number): void {
    if (batch > this.scratch.capacity) this.scratch = new BanditScratch(this.params.shape, batch, this.arrays);
  }

  /** Forward pass only (evaluation, inspection): fills the scratch for input.count examples. */
  estimateForward(input: SparseBinaryRows, source: UniformSource): void {
    this.ensureCapacity(input.count);
    this.forward(input, source);
  }

  /** The forward pass of the network's kind of hidden units. */
  private forward(input: SparseBinaryRows, source: UniformSource): void {
    if (this.categories) categoricalForwardBatch(this.params, input, source, this.scratch);
    else forwardBatch(this.params, input, source, this.scratch);
  }

  /**
   * Forward pass, rewards, learning signals and batch-mean gradients into params' grad
   * buffers (no parameter change). `baseline` overrides the run's moving average (tests).
   */
  estimateGradients(input: SparseBinaryRows, source: UniformSource, rewards: RewardSource, baseline = this.baseline): void {
    const { params } = this;
    const s = this.scratch;
    const { sizes } = params.shape;
    const batch = input.count;
    const actions = sizes[sizes.length - 1];
    const hiddenLayers = sizes.length - 2;
    this.forward(input, source);
    for (let b = 0; b < batch; b++) {
      const a = s.action[b];
      const r = rewards.table ? rewards.table[b * actions + a] : a === rewards.labels[b] ? 1 : 0;
      s.reward[b] = r;
      s.learningSignal[b] = this.useBaseline ? r - baseline : r;
    }
    outputSignals(s, batch, actions);
    if (this.hnca) this.computeCredit(batch);
    if (this.categories) categoricalSignals(params, s, batch, this.hnca);
    else {
      for (let l = 0; l < hiddenLayers; l++) {
        if (this.hnca) hncaSignals(s, l, sizes[l + 1], batch);
        else reinforceSignals(s, l, sizes[l + 1], batch);
      }
    }
    accumulateGradients(params, s, input, this.secondMoments);
    layerVarianceSums(params, s, input, this.variance, this.layerVariance);
  }

  /**
   * rho(1) − rho(0) of every hidden unit from its children's counterfactual messages; for
   * categorical units (docs/math.md §7.1) the hindsight posterior pi(v) rho(v) of every value.
   */
  computeCredit(batch: number): void {
    const { params } = this;
    const s = this.scratch;
    if (this.categories) {
      categoricalCredit(params, s, batch, this.tables, this.categoricalScratch);
      return;
    }
    const { sizes, hiddenValues } = params.shape;
    const magnitude = new BernoulliUnits(hiddenValues).flipMagnitude;
    const hiddenLayers = sizes.length - 2;
    for (let l = 0; l < hiddenLayers; l++) {
      const childWeights = params.weights[l + 1].value;
      const tables = this.tables[l];
      tables.fill(childWeights, magnitude);
      if (l === hiddenLayers - 1) {
        softmaxChildCredit(s.prob[l], s.sample[l], sizes[l + 1], s.outLogit, s.action, sizes[l + 2], childWeights, magnitude, tables, batch, s.credit[l], this.expScratch);
      } else {
        bernoulliChildrenCredit(
          { prob: s.prob[l], sample: s.sample[l], width: sizes[l + 1], childLogit: s.logit[l + 1], childSample: s.sample[l + 1], childWidth: sizes[l + 2], tables },
          batch,
          s.credit[l],
          s.logQActual,
          this.childScratch,
        );
      }
    }
  }

  /** One full update: gradients, ascent step, baseline, counters; stops the run on non-finite values. */
  update(input: SparseBinaryRows, source: UniformSource, rewards: RewardSource, opt: OptimizerConfig): void {
    if (!this.counters.finite) return;
    const batch = input.count;
    this.ensureCapacity(batch);
    this.estimateGradients(input, source, rewards);
    finishRewardUpdate(this, batch, opt);
  }
}

/**
 * What a reward-trained run (the bandit, the conv bandit) shares after its gradients: the
 * ascent step ({@link ascentStep}, which also fills `sumSquares` with ‖gbar‖² per tensor), the
 * moving-average baseline from the batch's mean reward (docs/math.md §2), and the counters: reward
 * sum, examples, and docs/math.md §4's gradient variance per layer and overall as a mean per
 * parameter, from `layerVariance[k]` = Σ over layer k's parameters (tensors 2k and 2k + 1) of the
 * batch variance, computed stably by the run (shifted sums, never E[g²] − E[g]²). Marks the run
 * failed on a non-finite variance. `measured` false: the
 * update's variance was not measured (ConvBanditConfig.varianceEvery): nothing is added to the
 * variance sums and RunCounters.varianceUpdates (from then on present) does not count it.
 */
export function finishRewardUpdate(
  run: {
    readonly params: { readonly tensors: readonly ParameterTensor[]; readonly layerCount: number; readonly parameterCount: number; layerParameterCount(k: number): number };
    readonly scratch: { readonly reward: Float64Array | Float32Array };
    /** per layer, Σ over its parameters of the batch variance of this update's per-example gradients (shifted sums) */
    readonly layerVariance: Float64Array;
    readonly sumSquares: Float64Array;
    readonly counters: RunCounters;
    readonly useBaseline: boolean;
    baseline: number;
    optimizerSteps: number;
  },
  batch: number,
  opt: OptimizerConfig,
  measured = true,
): void {
  run.optimizerSteps += 1;
  ascentStep(run.params.tensors, opt, run.optimizerSteps, run.sumSquares);
  let rewardSum = 0;
  for (let b = 0; b < batch; b++) rewardSum += run.scratch.reward[b];
  if (run.useBaseline) run.baseline = runningMeanBaseline(run.baseline, rewardSum / batch);
  const c = run.counters;
  const { params } = run;
  let total = 0;
  if (measured) {
    for (let k = 0; k < params.layerCount; k++) {
      const varianceSum = run.layerVariance[k];
      total += varianceSum;
      c.layerGradVarianceSum[k] += varianceSum / params.layerParameterCount(k);
    }
    c.gradVarianceSum += total / params.parameterCount;
    if (c.varianceUpdates !== undefined) c.varianceUpdates += 1;
  } else {
    // the gradient itself must still be finite (the sums of squares of the step)
    for (let k = 0; k < run.sumSquares.length; k++) total += run.sumSquares[k];
    c.varianceUpdates ??= c.updates;
  }
  c.updates += 1;
  c.examples += batch;
  c.scoreSum += rewardSum;
  if (!Number.isFinite(total)) {
    c.finite = false;
    c.failure = `non-finite gradient at update ${c.updates}`;
  }
}

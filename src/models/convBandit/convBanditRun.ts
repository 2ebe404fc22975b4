// One training run of the nonlinear contextual bandit (appendix E, docs/math.md §7.2): the trunk
// (a library's convolutions, src/trunk) gives the Bernoulli logits; everything after them is
// the bandit's own code — sampling, the softmax output, HNCA credit from the output's
// counterfactual messages, the learning signals — and the signals go back into the trunk as
// the gradient of the logits. One Adam (ours) updates every tensor with one setting.
import { banditEstimator, type BanditEstimator } from '../../engine/estimators.ts';
import { ShiftedGradientVariance } from '../../engine/gradientVariance.ts';
import { zeroCounters } from '../../engine/records.ts';
import type { OptimizerConfig, RunCounters } from '../../engine/types.ts';
import { finishRewardUpdate, type RewardSource } from '../bandit/banditRun.ts';
import { hiddenInputLogits, sampleActions, sampleLayer, type UniformSource } from '../bandit/forward.ts';
import { hiddenInputGradient, hncaSignals, outputSignals, reinforceSignals } from '../bandit/gradients.ts';
import { softmaxChildCredit } from '../bandit/messages.ts';
import { BanditScratch } from '../bandit/scratch.ts';
import { BernoulliUnits } from '../units/bernoulli.ts';
import { FlipTables } from '../units/flipTables.ts';
import type { ConvBanditParameters } from './parameters.ts';
import type { Trunk, TrunkFactory, TrunkPass } from './trunk.ts';

export class ConvBanditRun {
  /** the estimator's learning signal is HNCA's credit (else REINFORCE's score function) */
  readonly hnca: boolean;
  /** the learning signal subtracts the moving-average baseline */
  readonly useBaseline: boolean;
  /** moving-average reward baseline bbar (docs/math.md §2) */
  baseline = 0;
  /** Adam's step counter */
  optimizerSteps = 0;
  /**
   * working memory of the Bernoulli layer and the output, as the bandit's with one hidden layer
   * (its sizes [width, width, actions]: the layer's inputs are the trunk's logits, never pixels,
   * so no sparse-input scratch is used)
   */
  scratch: BanditScratch;
  readonly counters: RunCounters;
  private readonly trunk: Trunk;
  private readonly tables: FlipTables;
  private readonly expScratch: Float64Array;
  /**
   * per layer k (the convolutions, the linear layer, the output): Σ over its parameters of the batch
   * variance of this update's per-example gradients, by shifted sums (docs/math.md §4; the trunk's
   * from TrunkPass.backward, the output's from `outputVariance`)
   */
  readonly layerVariance: Float64Array;
  /** the output layer's variance accumulator: inputs the hidden values [width], signals [actions] */
  private readonly outputVariance: ShiftedGradientVariance;
  /** per tensor: ‖gbar‖² of this update, filled by the ascent step */
  readonly sumSquares: Float64Array;
  private readonly magnitude: number;

  /** `capacity`: the largest batch the scratch holds before it is reallocated; `trunk`: makes the run's trunk over its tensors. */
  constructor(
    readonly params: ConvBanditParameters,
    readonly estimator: BanditEstimator,
    capacity: number,
    trunk: TrunkFactory,
  ) {
    const { signal, baseline } = banditEstimator(estimator);
    this.hnca = signal === 'hnca';
    this.useBaseline = baseline;
    const { width, actions, hiddenValues } = params.shape;
    this.scratch = new BanditScratch({ sizes: [width, width, actions], hiddenValues }, capacity);
    this.trunk = trunk(params.trunkTensors);
    this.tables = new FlipTables(width, actions);
    this.expScratch = new Float64Array(2 * actions);
    this.layerVariance = new Float64Array(params.layerCount);
    this.outputVariance = new ShiftedGradientVariance(width, actions);
    this.sumSquares = new Float64Array(params.tensors.length);
    this.magnitude = new BernoulliUnits(hiddenValues).flipMagnitude;
    this.counters = zeroCounters(params.layerCount);
  }

  /** Reallocates the scratch for `batch` examples if it holds fewer. */
  ensureCapacity(batch: number): void {
    if (batch > this.scratch.capacity) this.scratch = new BanditScratch(this.scratch.shape, batch);
  }

  /**
   * The stochastic forward pass of `batch` images (`pixels` [batch, rows · cols], 0/1): trunk
   * logits, Bernoulli probabilities and samples (hidden layer 0 of `source`), output logits,
   * softmax and actions, into the scratch. Returns the trunk's pass (the caller disposes of it).
   */
  private forwardPass(pixels: Float32Array, batch: number, source: UniformSource): TrunkPass {
    this.ensureCapacity(batch);
    const s = this.scratch;
    const { width, actions, hiddenValues } = this.params.shape;
    const pass = this.trunk.forward(pixels, batch);
    const logit = s.logit[0];
    const u = pass.logits;
    for (let e = 0; e < batch * width; e++) logit[e] = u[e];
    sampleLayer(logit, s.prob[0], s.sample[0], batch, width, 0, source);
    const v = this.params.outputWeights.value;
    const c = this.params.outputBiases.value;
    hiddenInputLogits(v, c, s.sample[0], width, actions, hiddenValues === 'pm1', batch, s.outLogit, s.baseLogit, s.selected);
    sampleActions(s, batch, actions, source);
    return pass;
  }

  /** Forward pass only (evaluation, inspection): fills the scratch for `batch` images. */
  estimateForward(pixels: Float32Array, batch: number, source: UniformSource): void {
    this.forwardPass(pixels, batch, source).dispose();
  }

  /** HNCA credit rho(1) − rho(0) of every Bernoulli unit from the softmax output's counterfactual messages (docs/math.md §2). */
  computeCredit(batch: number): void {
    const s = this.scratch;
    const { width, actions } = this.params.shape;
    const v = this.params.outputWeights.value;
    this.tables.fill(v, this.magnitude);
    softmaxChildCredit(s.prob[0], s.sample[0], width, s.outLogit, s.action, actions, v, this.magnitude, this.tables, batch, s.credit[0], this.expScratch);
  }

  /**
   * Forward pass, rewards, learning signals and batch-mean gradients of every tensor into its
   * `grad` (no parameter change); per layer its variance sum into `layerVariance`, unless
   * `measureVariance` is false (then the trunk forms no per-example gradient and the variance
   * sums are NaN: TrunkPass.backwardMean). `baseline` overrides the run's moving average (tests).
   */
  estimateGradients(pixels: Float32Array, batch: number, source: UniformSource, rewards: RewardSource, baseline = this.baseline, measureVariance = true): void {
    const s = this.scratch;
    const { width, actions, hiddenValues } = this.params.shape;
    const pass = this.forwardPass(pixels, batch, source);
    try {
      for (let b = 0; b < batch; b++) {
        const a = s.action[b];
        const r = rewards.table ? rewards.table[b * actions + a] : a === rewards.labels[b] ? 1 : 0;
        s.reward[b] = r;
        s.learningSignal[b] = this.useBaseline ? r - baseline : r;
      }
      outputSignals(s, batch, actions);
      if (this.hnca) {
        this.computeCredit(batch);
        hncaSignals(s, 0, width, batch);
      } else reinforceSignals(s, 0, width, batch);
      const last = this.params.layerCount - 1;
      const v = this.params.outputWeights;
      const c = this.params.outputBiases;
      const centered = hiddenValues === 'pm1';
      hiddenInputGradient(v.grad, c.grad, s.outSignal, actions, s.sample[0], width, centered, batch, s);
      const signal = s.signal[0].subarray(0, batch * width);
      if (measureVariance) {
        this.layerVariance.set(pass.backward(signal), 0);
        this.layerVariance[last] = this.outputLayerVariance(batch, centered);
      } else {
        pass.backwardMean(signal);
        this.layerVariance.fill(Number.NaN);
      }
    } finally {
      pass.dispose();
    }
  }

  /**
   * The output layer's variance sum (docs/math.md §4) by shifted sums, from its finished batch-mean
   * gradient, its signals [batch, actions] and its inputs, the hidden samples as it reads them (±1
   * when `centered`, else 0/1).
   */
  private outputLayerVariance(batch: number, centered: boolean): number {
    const s = this.scratch;
    const { width } = this.params.shape;
    const sample = s.sample[0];
    const value = (b: number) => (j: number): number => (centered ? 2 * sample[b * width + j] - 1 : sample[b * width + j]);
    const v = this.outputVariance;
    v.first(value(0), s.outSignal, 0);
    for (let b = 0; b < batch; b++) v.add(value(b), s.outSignal, b * v.width);
    return v.finish(this.params.outputWeights.grad, this.params.outputBiases.grad);
  }

  /**
   * One full update: gradients, ascent step, baseline, counters; stops the run on non-finite
   * values. `measureVariance` false: this update's gradient variance is not measured (nor counted
   * in RunCounters.varianceUpdates): ConvBanditConfig.varianceEvery.
   */
  update(pixels: Float32Array, batch: number, source: UniformSource, rewards: RewardSource, opt: OptimizerConfig, measureVariance = true): void {
    if (!this.counters.finite) return;
    this.estimateGradients(pixels, batch, source, rewards, this.baseline, measureVariance);
    finishRewardUpdate(this, batch, opt, measureVariance);
  }

  /** Releases the trunk's library resources. */
  dispose(): void {
    this.trunk.dispose();
  }
}

// One update's (or one evaluation chunk's) dispatches, and the per-update uniform values.
// Every dispatch reads its StepParams from a 256-byte slot of one uniform buffer (dynamic
// offset), so a submission carries up to STEP_SLOTS updates without any CPU round trip.
import { Stream } from '../../rng/streams.ts';
import type { BanditConfig } from '../types.ts';
import type { BanditBindGroups, BanditDims } from './banditBuffers.ts';
import type { KernelSet } from './kernels.ts';

/** uniform slots (one per update or evaluation chunk) per submission */
export const STEP_SLOTS = 128;
export const SLOT_BYTES = 256;

/** The fields of StepParams (shaders/bandit_common.wgsl). */
export interface StepValues {
  batch: number;
  keyStep: number;
  hiddenStream: number;
  actionStream: number;
  exampleOffset: number;
  gather: number;
  cursor: number;
  permStride: number;
  binarizeStep: number;
  binarizeStream: number;
  optimizer: number;
  update: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  c1: number;
  c2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
}

/** Update t (0-based): RNG step t, the batch at `cursor` of epoch `epoch`'s permutation, Adam step t + 1. */
export function trainingStepValues(c: BanditConfig, t: number, cursor: number, epoch: number, trainCount: number): StepValues {
  const steps = t + 1;
  return {
    batch: c.batch,
    keyStep: t,
    hiddenStream: Stream.hiddenBase,
    actionStream: Stream.action,
    exampleOffset: 0,
    gather: 1,
    cursor,
    permStride: trainCount,
    binarizeStep: epoch,
    binarizeStream: Stream.binarizeTrain,
    optimizer: c.optimizer === 'sgd' ? 1 : 0,
    update: t,
    lr: c.lr,
    beta1: c.beta1,
    beta2: c.beta2,
    eps: c.eps,
    // bias corrections and 1 - beta in float64 (float32 1 - 0.999 is off by 1.3e-5)
    c1: 1 / (1 - Math.pow(c.beta1, steps)),
    c2: 1 / (1 - Math.pow(c.beta2, steps)),
    oneMinusBeta1: 1 - c.beta1,
    oneMinusBeta2: 1 - c.beta2,
  };
}

export class UpdateEncoder {
  bindGroups!: BanditBindGroups;

  constructor(
    private readonly device: GPUDevice,
    private readonly kernels: KernelSet,
    private readonly dims: BanditDims,
    private readonly tile: number,
    private readonly anyHnca: boolean,
  ) {}

  private dispatch(pass: GPUComputePassEncoder, kernel: keyof KernelSet, group: GPUBindGroup, slot: number, x: number, y: number, z: number): void {
    pass.setPipeline(this.kernels[kernel].pipeline);
    pass.setBindGroup(0, group, [slot * SLOT_BYTES]);
    pass.dispatchWorkgroups(Math.max(1, x), Math.max(1, y), Math.max(1, z));
  }

  /** The stochastic forward pass of `batch` examples (training or evaluation). */
  forward(pass: GPUComputePassEncoder, slot: number, batch: number, binarize: GPUBindGroup): void {
    const { sizes, groups, runs } = this.dims;
    const T = this.tile;
    const hidden = sizes.length - 2;
    const g = this.bindGroups;
    this.dispatch(pass, 'binarize_minibatch', binarize, slot, Math.ceil(sizes[0] / 64), batch, groups);
    for (let l = 0; l <= hidden; l++) {
      this.dispatch(pass, 'affine_logits', g.affine[l], slot, Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs);
      if (l < hidden) this.dispatch(pass, 'bernoulli_sample', g.sample[l], slot, Math.ceil((batch * sizes[l + 1]) / 64), 1, runs);
    }
    this.dispatch(pass, 'softmax_action_reward', g.softmax, slot, Math.ceil(batch / 64), 1, runs);
  }

  /** Credit, signals, gradients, variance, ascent step and counters of one update. */
  backward(pass: GPUComputePassEncoder, slot: number, batch: number): void {
    const { sizes, runs, paramsPerRun } = this.dims;
    const T = this.tile;
    const hidden = sizes.length - 2;
    const g = this.bindGroups;
    for (let l = 0; l < hidden; l++) {
      if (this.anyHnca) {
        if (l === hidden - 1) this.dispatch(pass, 'softmax_child_credit', g.credit[l], slot, Math.ceil((batch * sizes[l + 1]) / 64), 1, runs);
        else this.dispatch(pass, 'bernoulli_children_credit', g.credit[l], slot, Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs);
      }
      this.dispatch(pass, 'learning_signals', g.signals[l], slot, Math.ceil((batch * sizes[l + 1]) / 64), 1, runs);
    }
    for (let k = 0; k <= hidden; k++) {
      this.dispatch(pass, 'weight_gradient', g.gradient[k], slot, Math.ceil(sizes[k + 1] / T), Math.ceil((sizes[k] + 1) / T), runs);
      this.dispatch(pass, 'gradient_variance', g.variance[k], slot, 1, 1, runs);
    }
    const groupsNeeded = Math.ceil((runs * paramsPerRun) / 64);
    const x = Math.min(groupsNeeded, this.device.limits.maxComputeWorkgroupsPerDimension);
    this.dispatch(pass, 'adam_ascent', g.adam, slot, x, Math.ceil(groupsNeeded / x), 1);
    this.dispatch(pass, 'baseline_and_counters', g.counters, slot, runs, 1, 1);
  }
}

// One update's (or one evaluation chunk's) dispatches, and the per-update uniform values.
// Every dispatch reads its StepParams from a 256-byte slot of the runtime's UniformSlots
// (dynamic offset), so a submission carries up to STEP_SLOTS updates without any CPU round trip.
// The same code plans and encodes: a DispatchSink either encodes into a compute pass or checks
// every grid against the device limits (before anything is allocated).
import { Stream } from '../../../rng/streams.ts';
import { EngineError, type BanditConfig } from '../../types.ts';
import { foldedGrid, type Grid } from '../runtime/limits.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { UniformSlots } from '../runtime/uniformSlots.ts';
import type { BanditBindGroups, BanditDims } from './buffers.ts';
import type { KernelName, KernelSet } from './kernels.ts';

/** uniform slots (one per update or evaluation chunk) per submission */
export const STEP_SLOTS = 128;

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

/** Where an encoder's dispatches go: into a compute pass, or to a limit check. */
export interface DispatchSink {
  /** `group` is undefined only when planning (before the bind groups exist) */
  dispatch(kernel: KernelName, group: GPUBindGroup | undefined, slot: number, grid: Grid): void;
}

/** A sink that encodes into `pass`, each dispatch reading uniform slot `slot`. */
export function passSink(pass: GPUComputePassEncoder, kernels: KernelSet, slots: UniformSlots<StepValues>): DispatchSink {
  return {
    dispatch(kernel, group, slot, grid) {
      if (!group) throw new EngineError(`WebGPU bandit program: no bind group for ${kernel}`, 'internal');
      pass.setPipeline(kernels[kernel].pipeline);
      pass.setBindGroup(0, group, [slots.offset(slot)]);
      pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    },
  };
}

/**
 * A sink that only checks each grid against maxComputeWorkgroupsPerDimension.
 * @throws EngineError('limits') from dispatch(), naming the kernel, the dimension and the value
 */
export function limitSink(runtime: GpuRuntime, purpose: string): DispatchSink {
  return { dispatch: (kernel, _group, _slot, grid) => runtime.checkGrid(grid, `kernel ${kernel} (${purpose})`) };
}

/** The dispatches of one update of the bandit program (DESIGN.md §2). */
export class UpdateEncoder {
  /** set once the buffers exist (planning runs before) */
  bindGroups: BanditBindGroups | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly dims: BanditDims,
    private readonly tile: number,
    private readonly anyHnca: boolean,
  ) {}

  /** A 1-D grid of `invocations` over workgroups of 64, folded into y past the device limit, per run. */
  private flat(invocations: number, z: number): Grid {
    return foldedGrid(this.device, Math.ceil(invocations / 64), z);
  }

  private static grid(x: number, y: number, z: number): Grid {
    return [Math.max(1, x), Math.max(1, y), Math.max(1, z)];
  }

  /** The stochastic forward pass of `batch` examples (training or evaluation). */
  forward(sink: DispatchSink, slot: number, batch: number, binarize: GPUBindGroup | undefined): void {
    const { sizes, groups, runs } = this.dims;
    const T = this.tile;
    const hidden = sizes.length - 2;
    const g = this.bindGroups;
    const grid = UpdateEncoder.grid;
    sink.dispatch('binarize_minibatch', binarize, slot, grid(Math.ceil(sizes[0] / 64), batch, groups));
    for (let l = 0; l <= hidden; l++) {
      // a hidden layer samples in the product's epilogue (one dispatch); the output layer's logits go to the softmax
      sink.dispatch(l < hidden ? 'affine_bernoulli_sample' : 'affine_logits', g?.affine[l], slot, grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs));
    }
    sink.dispatch('softmax_action_reward', g?.softmax, slot, grid(Math.ceil(batch / 64), 1, runs));
  }

  /** Credit, signals, gradients, variance, ascent step and counters of one update. */
  backward(sink: DispatchSink, slot: number, batch: number): void {
    const { sizes, runs, paramsPerRun } = this.dims;
    const T = this.tile;
    const hidden = sizes.length - 2;
    const g = this.bindGroups;
    const grid = UpdateEncoder.grid;
    for (let l = 0; l < hidden; l++) {
      if (this.anyHnca) {
        if (l === hidden - 1) sink.dispatch('softmax_child_credit', g?.credit[l], slot, this.flat(batch * sizes[l + 1], runs));
        else sink.dispatch('bernoulli_children_credit', g?.credit[l], slot, grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs));
      }
      sink.dispatch('learning_signals', g?.signals[l], slot, this.flat(batch * sizes[l + 1], runs));
    }
    for (let k = 0; k <= hidden; k++) {
      sink.dispatch('weight_gradient', g?.gradient[k], slot, grid(Math.ceil(sizes[k + 1] / T), Math.ceil((sizes[k] + 1) / T), runs));
      sink.dispatch('gradient_variance', g?.variance[k], slot, grid(1, 1, runs));
    }
    sink.dispatch('adam_ascent', g?.adam, slot, this.flat(runs * paramsPerRun, 1));
    sink.dispatch('baseline_and_counters', g?.counters, slot, grid(runs, 1, 1));
  }
}

// One update's (or one evaluation chunk's) dispatches, and the per-update uniform values.
// Every dispatch reads its StepParams from a 256-byte slot of the runtime's UniformSlots
// (dynamic offset), so a submission carries up to STEP_SLOTS updates without any CPU round trip.
// The same code plans and encodes: a DispatchSink either encodes into a compute pass or checks
// every grid against the device limits (before anything is allocated).
import { EngineError, type BanditConfig } from '../../../engine/types.ts';
import { foldedGrid, type Grid } from '../runtime/limits.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { UniformSlots } from '../runtime/uniformSlots.ts';
import type { BanditBindGroups, BanditDims } from './buffers.ts';
import { kernelOf, type KernelName, type KernelSet } from './kernels.ts';

/** uniform slots (one per update or evaluation chunk) per submission */
export const STEP_SLOTS = 128;

import type { StepValues } from '../stepParams.ts';
export type { StepValues };


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
      pass.setPipeline(kernelOf(kernels, kernel).pipeline);
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

/** The dispatches of one update of the bandit program (docs/math.md §2). */
export class UpdateEncoder {
  /** set once the buffers exist (planning runs before) */
  bindGroups: BanditBindGroups | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly dims: BanditDims,
    private readonly tile: number,
    private readonly anyHnca: boolean,
    /** N of categorical hidden units (docs/math.md §7.1), 0 for Bernoulli units */
    private readonly categories = 0,
    /** matrices fed by categorical units: categorical_input_gradient (true) or the dense weight_gradient */
    private readonly oneHotGradients = true,
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
      // a Bernoulli hidden layer samples in the product's epilogue (one dispatch); a categorical layer
      // samples in its own kernel; the output layer's logits go to the softmax
      if (l < hidden && !this.categories) {
        sink.dispatch('affine_bernoulli_sample', g?.affine[l], slot, grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs));
        continue;
      }
      sink.dispatch('affine_logits', g?.affine[l], slot, grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs));
      if (l < hidden) sink.dispatch('categorical_sample', g?.sample[l], slot, this.flat((batch * sizes[l + 1]) / this.categories, runs));
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
    if (this.categories) this.categoricalSignals(sink, slot, batch);
    for (let l = 0; l < hidden && !this.categories; l++) {
      if (this.anyHnca) {
        if (l === hidden - 1) sink.dispatch('softmax_child_credit', g?.credit[l], slot, this.flat(batch * sizes[l + 1], runs));
        else sink.dispatch('bernoulli_children_credit', g?.credit[l], slot, grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs));
      }
      sink.dispatch('learning_signals', g?.signals[l], slot, this.flat(batch * sizes[l + 1], runs));
    }
    for (let k = 0; k <= hidden; k++) {
      // a matrix fed by categorical units (docs/math.md §7.1): one pass per (parent unit, logit) over the batch gives its N rows
      if (k > 0 && this.categories && this.oneHotGradients) sink.dispatch('categorical_input_gradient', g?.gradient[k], slot, grid(Math.ceil(sizes[k + 1] / 64), sizes[k] / this.categories, runs));
      else sink.dispatch('weight_gradient', g?.gradient[k], slot, grid(Math.ceil(sizes[k + 1] / T), Math.ceil((sizes[k] + 1) / T), runs));
      sink.dispatch('gradient_variance', g?.variance[k], slot, grid(1, 1, runs));
    }
    sink.dispatch('adam_ascent', g?.adam, slot, this.flat(runs * paramsPerRun, 1));
    sink.dispatch('baseline_and_counters', g?.counters, slot, grid(runs, 1, 1));
  }

  /**
   * Credit and signals of categorical hidden layers (docs/math.md §7.1): per layer, log Q of every
   * value from its children (the next layer or the softmax output), the hindsight posterior, and
   * the per-logit signals.
   */
  private categoricalSignals(sink: DispatchSink, slot: number, batch: number): void {
    const { sizes, runs } = this.dims;
    const hidden = sizes.length - 2;
    const g = this.bindGroups;
    for (let l = 0; l < hidden; l++) {
      const units = (batch * sizes[l + 1]) / this.categories;
      if (this.anyHnca) {
        sink.dispatch(l === hidden - 1 ? 'categorical_softmax_log_q' : 'categorical_children_log_q', g?.logQ[l], slot, this.flat(units, runs));
        sink.dispatch('categorical_credit', g?.credit[l], slot, this.flat(units, runs));
      }
      sink.dispatch('categorical_signals', g?.signals[l], slot, this.flat(batch * sizes[l + 1], runs));
    }
  }
}

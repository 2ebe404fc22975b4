// The dispatches of one update (and one evaluation chunk) of the bandit program (docs/math.md
// §2, §7.1): typed Dispatch records (../program.ts) for the engine to encode. Made with or
// without bind groups: without, before the buffers exist, to check every grid against the
// device's limits.
import { LINEAR_WORKGROUP_SIZE } from '../kernels/constants.ts';
import { foldedGrid, type Grid } from '../runtime/limits.ts';
import type { Dispatch } from '../program.ts';
import type { BanditBindGroups, BanditDims } from './buffers.ts';
import { kernelOf, type KernelName, type KernelSet } from './kernels.ts';

/** The plans of the bandit program of `dims`. */
export class BanditPlanner {
  constructor(
    private readonly device: GPUDevice,
    private readonly kernels: KernelSet,
    private readonly dims: BanditDims,
    private readonly tile: number,
    private readonly anyHnca: boolean,
    /** matrices fed by categorical units: categorical_input_gradient (true) or the dense weight_gradient */
    private readonly oneHotGradients: boolean,
  ) {}

  private dispatch(kernel: KernelName, group: GPUBindGroup | undefined, grid: Grid): Dispatch {
    return { kernel: kernelOf(this.kernels, kernel), group, grid };
  }

  /** A 1-D grid of `invocations` over workgroups of LINEAR_WORKGROUP_SIZE, folded into y past the device limit, per run. */
  private flat(invocations: number, z: number): Grid {
    return foldedGrid(this.device, Math.ceil(invocations / LINEAR_WORKGROUP_SIZE), z);
  }

  private static grid(x: number, y: number, z: number): Grid {
    return [Math.max(1, x), Math.max(1, y), Math.max(1, z)];
  }

  /** The stochastic forward pass of `batch` examples (training or evaluation), binarizing with `binarize`. */
  forward(g: BanditBindGroups | undefined, batch: number, binarize: GPUBindGroup | undefined): Dispatch[] {
    const { sizes, groups, runs, categories } = this.dims;
    const T = this.tile;
    const hidden = sizes.length - 2;
    const grid = BanditPlanner.grid;
    const out = [this.dispatch('binarize_minibatch', binarize, grid(Math.ceil(sizes[0] / LINEAR_WORKGROUP_SIZE), batch, groups))];
    for (let l = 0; l <= hidden; l++) {
      // a Bernoulli hidden layer samples in the product's epilogue (one dispatch); a categorical layer
      // samples in its own kernel; the output layer's logits go to the softmax
      if (l < hidden && !categories) {
        out.push(this.dispatch('affine_bernoulli_sample', g?.affine[l], grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs)));
        continue;
      }
      out.push(this.dispatch('affine_logits', g?.affine[l], grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs)));
      if (l < hidden) out.push(this.dispatch('categorical_sample', g?.sample[l], this.flat((batch * sizes[l + 1]) / categories, runs)));
    }
    out.push(this.dispatch('softmax_action_reward', g?.softmax, grid(Math.ceil(batch / LINEAR_WORKGROUP_SIZE), 1, runs)));
    return out;
  }

  /** Credit, signals, gradients, variance, the ascent step and counters of one update. */
  backward(g: BanditBindGroups | undefined, batch: number): Dispatch[] {
    const { sizes, runs, paramsPerRun, categories } = this.dims;
    const T = this.tile;
    const hidden = sizes.length - 2;
    const grid = BanditPlanner.grid;
    const out: Dispatch[] = categories ? this.categoricalSignals(g, batch) : [];
    for (let l = 0; l < hidden && !categories; l++) {
      if (this.anyHnca) {
        if (l === hidden - 1) out.push(this.dispatch('softmax_child_credit', g?.credit[l], this.flat(batch * sizes[l + 1], runs)));
        else out.push(this.dispatch('bernoulli_children_credit', g?.credit[l], grid(Math.ceil(sizes[l + 1] / T), Math.ceil(batch / T), runs)));
      }
      out.push(this.dispatch('learning_signals', g?.signals[l], this.flat(batch * sizes[l + 1], runs)));
    }
    for (let k = 0; k <= hidden; k++) {
      // a matrix fed by categorical units (docs/math.md §7.1): one pass per (parent unit, logit) over the batch gives its N rows
      if (k > 0 && categories && this.oneHotGradients) out.push(this.dispatch('categorical_input_gradient', g?.gradient[k], grid(Math.ceil(sizes[k + 1] / LINEAR_WORKGROUP_SIZE), sizes[k] / categories, runs)));
      else out.push(this.dispatch('weight_gradient', g?.gradient[k], grid(Math.ceil(sizes[k + 1] / T), Math.ceil((sizes[k] + 1) / T), runs)));
      out.push(this.dispatch('gradient_variance', g?.variance[k], grid(1, 1, runs)));
    }
    out.push(this.dispatch('adam_ascent', g?.adam, this.flat(runs * paramsPerRun, 1)));
    out.push(this.dispatch('baseline_and_counters', g?.counters, grid(runs, 1, 1)));
    return out;
  }

  /**
   * Credit and signals of categorical hidden layers (docs/math.md §7.1): per layer, log Q of every
   * value from its children (the next layer or the softmax output), the hindsight posterior, and
   * the per-logit signals.
   */
  private categoricalSignals(g: BanditBindGroups | undefined, batch: number): Dispatch[] {
    const { sizes, runs, categories } = this.dims;
    const hidden = sizes.length - 2;
    const out: Dispatch[] = [];
    for (let l = 0; l < hidden; l++) {
      const units = (batch * sizes[l + 1]) / categories;
      if (this.anyHnca) {
        out.push(this.dispatch(l === hidden - 1 ? 'categorical_softmax_log_q' : 'categorical_children_log_q', g?.logQ[l], this.flat(units, runs)));
        out.push(this.dispatch('categorical_credit', g?.credit[l], this.flat(units, runs)));
      }
      out.push(this.dispatch('categorical_signals', g?.signals[l], this.flat(batch * sizes[l + 1], runs)));
    }
    return out;
  }
}

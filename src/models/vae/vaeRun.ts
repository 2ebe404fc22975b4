// One training run of the VAE: parameters, Adam state, baselines, counters, and the update
// that averages per-example estimates over a minibatch (docs/math.md §3, §4).
import type { SparseBinaryRows } from '../../data/minibatch.ts';
import { ShiftedGradientVariance } from '../../engine/gradientVariance.ts';
import { ascentStepFloat32, type ParameterTensor } from '../../engine/optimizer.ts';
import { vaeEstimator, type VaeEstimator } from '../../engine/estimators.ts';
import { zeroCounters } from '../../engine/records.ts';
import type { OptimizerConfig, RunCounters } from '../../engine/types.ts';
import { runningMeanBaseline } from '../units/baseline.ts';
import { importanceBound } from './bound.ts';
import type { EvalDraws, RngDraws } from './draws.ts';
import { ExampleWork, SlabPasses, usesPairs, usesTables, VaeTables } from './estimators.ts';
import { FlipSlabScratch, slabFlipDeltas } from './counterfactual.ts';
import { addExampleGradients, addSlabGradients, BatchGradientScratch, slabKernels } from './gradients.ts';
import { createVaeTensors, type VaeParams, type VaeShape } from './params.ts';
import { CountingAllocator, heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { kernelArena } from '../../simd/wasmKernels.ts';

/**
 * One run's arena: a WASM SIMD kernel instance's memory sized for the run's arrays (built once
 * on counted heap arrays) where `simd` allows, else the JS heap.
 */
export function vaeRunArrays(shape: VaeShape, estimator: VaeEstimator, simd: boolean, batch = 1): ArrayAllocator {
  const counter = new CountingAllocator();
  new VaeRun(shape, 0, estimator, counter, batch);
  return kernelArena(counter.bytes, simd);
}

/** Examples per slab of an update: the per-example scratch the whole-batch kernels read at once. */
export const SLAB = 64;

export class VaeRun {
  readonly tensors: ParameterTensor[];
  readonly params: VaeParams;
  /** example 0's scratch (the bound and inspection use it) */
  readonly work: ExampleWork;
  /** one scratch per example of a slab of the minibatch (works[0] = work): the whole-batch kernels read them all */
  private readonly works: ExampleWork[];
  /** the works side by side for the layer-by-layer slab kernels */
  private readonly slab: SlabPasses;
  /** the slab in progress: its first example's index in the minibatch and the update's draws */
  private slabStart = 0;
  private slabDraws: RngDraws | null = null;
  /** moves the update's draws to example e of the slab in progress (one closure for the run's life, none per update) */
  private readonly onExample = (e: number): void => this.slabDraws?.setExample(this.slabStart + e);
  private readonly gradientScratch: BatchGradientScratch;
  private readonly flipScratch: FlipSlabScratch | null;
  readonly tables: VaeTables | null;
  /** b_l, l = 1..L (index 0 unused) */
  readonly baselines: Float64Array;
  readonly counters: RunCounters;
  private readonly sumSquares: Float64Array;
  /** per encoder layer l = 1..L (index l − 1): the variance metric's accumulator */
  private readonly variance: ShiftedGradientVariance[];
  private readonly accB: Float64Array;
  private readonly targets: Float64Array;
  private boundScratch = new Float64Array(0);

  /**
   * `arrays`: where the parameters, Adam moments, gradients, flip tables and per-example scratch
   * live: the CPU engine passes a WASM SIMD kernel arena (vaeRunArrays), whose kernels equal the
   * JavaScript loops bit for bit; the default JS heap runs the JavaScript reference. `batch`:
   * the minibatch size: an update runs in slabs of min(batch, SLAB) examples, each with its
   * own scratch (so the memory stays bounded whatever the batch).
   */
  constructor(
    readonly shape: VaeShape,
    seed: number,
    readonly estimator: VaeEstimator,
    arrays: ArrayAllocator = heapArrays,
    batch = 1,
  ) {
    const { tensors, params } = createVaeTensors(shape, seed, arrays);
    this.tensors = tensors;
    this.params = params;
    const slab = Math.max(1, Math.min(SLAB, Math.floor(batch)));
    const pairs = usesPairs(estimator);
    this.works = Array.from({ length: slab }, () => new ExampleWork(params.sizes, arrays, pairs));
    this.work = this.works[0];
    this.slab = new SlabPasses(this.works, pairs, arrays);
    this.gradientScratch = new BatchGradientScratch(params.sizes, slab, arrays);
    this.tables = usesTables(estimator) ? new VaeTables(params.sizes, arrays) : null;
    this.flipScratch = this.tables ? new FlipSlabScratch(slab, arrays) : null;
    const L = shape.layers;
    this.baselines = new Float64Array(L + 1);
    this.variance = Array.from({ length: L }, (_, l) => new ShiftedGradientVariance(params.sizes[l], params.sizes[l + 1], arrays));
    this.accB = new Float64Array(L + 1);
    this.targets = new Float64Array(L + 1);
    this.sumSquares = new Float64Array(tensors.length);
    this.counters = zeroCounters(L);
  }

  /** One update on the minibatch `rows` with the draws of this (seed, update). */
  update(rows: SparseBinaryRows, draws: RngDraws, opt: OptimizerConfig): void {
    if (!this.counters.finite) return;
    const { params, tensors, accB, targets, works } = this;
    const L = params.shape.layers;
    const sizes = params.sizes;
    const B = rows.count;
    const grads = tensors.map((t) => t.grad);
    const inv = 1 / B;
    this.tables?.update(params);
    accB.fill(0);
    targets.fill(0);
    let elboSum = 0;
    let reference = false;
    // slabs of works.length examples, in example order: every sum continues across them
    for (let b0 = 0; b0 < B; b0 += works.length) {
      const n = Math.min(works.length, B - b0);
      this.slabStart = b0;
      this.slabDraws = draws;
      for (let k = 0; k < n; k++) works[k].main.setInput(rows.onIndex, rows.onStart[b0 + k], rows.onStart[b0 + k + 1]);
      this.slab.forward(params, this.estimator, draws, n, this.onExample);
      for (let k = 0; k < n; k++) elboSum += works[k].elbo;
      // f-HNCA's flip deltas for the whole slab (else each example computes its own in signals)
      const { tables, flipScratch } = this;
      if (tables && flipScratch && slabFlipDeltas(params, tables.dec, tables.enc, works, n, flipScratch)) {
        for (let k = 0; k < n; k++) works[k].flipsReady = true;
      }
      this.slab.signals(params, this.estimator, draws, n, this.onExample, this.tables, this.baselines);
      // whole-slab kernels; else the reference: per-example rows, and 1/B at the end
      const kernels = b0 === 0 || !reference ? slabKernels(works, n, grads, this.gradientScratch) : null;
      if (kernels) addSlabGradients(kernels, params, works, n, grads, this.gradientScratch, b0 === 0, b0 + n === B, inv);
      else {
        if (b0 === 0) for (const g of grads) g.fill(0);
        reference = true;
        for (let k = 0; k < n; k++) addExampleGradients(params, works[k], grads);
      }
      for (let k = 0; k < n; k++) {
        const work = works[k];
        for (let l = 1; l <= L; l++) {
          const g = work.encGrad[l];
          // docs/math.md §4 by shifted sums: layer l's inputs are the 0/1 values of layer l − 1
          const v = this.variance[l - 1];
          const x = work.main.phi[l - 1];
          if (b0 + k === 0) v.first((j) => x[j], g);
          accB[l] += v.addBinary(work.main.on[l - 1], 0, work.main.onCount[l - 1], g); // Σ g²: the finiteness check below
          targets[l] += work.baselineTarget[l];
        }
      }
    }
    if (reference) for (const g of grads) for (let k = 0; k < g.length; k++) g[k] *= inv;
    let check = elboSum;
    for (let l = 1; l <= L; l++) check += accB[l];
    if (!Number.isFinite(check)) {
      this.counters.finite = false;
      this.counters.failure = `non-finite ${Number.isFinite(elboSum) ? 'encoder gradient' : 'ELBO'} at update ${this.counters.updates + 1}`;
      return;
    }
    // docs/math.md §4, encoder only, by shifted sums (src/engine/gradientVariance.ts): encoder
    // layer l's gradients are tensors 2(l − 1) (W_l [inputs, units]) and 2(l − 1) + 1 (b_l)
    let total = 0;
    let count = 0;
    for (let l = 1; l <= L; l++) {
      const varianceSum = this.variance[l - 1].finish(tensors[2 * (l - 1)].grad, tensors[2 * (l - 1) + 1].grad);
      const n = sizes[l - 1] * sizes[l] + sizes[l];
      this.counters.layerGradVarianceSum[l - 1] += varianceSum / n;
      total += varianceSum;
      count += n;
    }
    ascentStepFloat32(tensors, opt, this.counters.updates + 1, this.sumSquares);
    this.counters.gradVarianceSum += total / count;
    this.counters.scoreSum += elboSum;
    this.counters.updates += 1;
    this.counters.examples += B;
    if (vaeEstimator(this.estimator).baseline) {
      for (let l = 1; l <= L; l++) this.baselines[l] = runningMeanBaseline(this.baselines[l], targets[l] * inv);
    }
  }

  /**
   * `sum` plus the K-sample bounds (nats) of the examples from..to−1 of rows (default all);
   * example b is test image first + b. Slices continued with the previous result as `sum` add
   * the same numbers in the same order as one call.
   */
  boundSum(rows: SparseBinaryRows, first: number, draws: EvalDraws, evaluation: number, k: number, from = 0, to = rows.count, sum = 0): number {
    if (this.boundScratch.length < k) this.boundScratch = new Float64Array(k);
    const s = this.work.main;
    for (let b = from; b < to; b++) {
      s.setInput(rows.onIndex, rows.onStart[b], rows.onStart[b + 1]);
      const image = first + b;
      sum += importanceBound(this.params, s, draws, k, (i) => draws.setSample(evaluation, i, image), this.boundScratch);
    }
    return sum;
  }
}

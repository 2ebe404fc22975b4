// The K-sample importance-weighted bound of the discrete VAE on the GPU (docs/math.md §3 test
// metric): log (1/K) Σ_k exp(log p(x, φ^k) − log q(φ^k | x)), φ^k ~ q(.|x), for every test image,
// with the same random numbers as the CPU engine (src/models/vae/bound.ts, draws.ts EvalDraws,
// data/minibatch.ts binarizeRows with testBinarizeKey), so both give the same bound on the same
// samples. Parameters come in the CPU layout (src/models/vae/params.ts), so any engine can pass
// its (read-back) parameters. The images × K rows are cut into chunks within the device limits
// (plan.ts); progress is reported after each chunk.
import type { ImageSet } from '../../../data/dataset.ts';
import { paramArrays, type VaeParams } from '../../../models/vae/params.ts';
import { Stream } from '../../../rng/streams.ts';
import { EngineError } from '../../../engine/types.ts';
import type { Dispatch } from '../program.ts';
import { encodeDispatches } from '../runtime/encode.ts';
import type { Kernel } from '../runtime/pipelines.ts';
import { compileKernels } from '../kernels/catalog.ts';
import { uniformView } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { StructuredView } from '../runtime/webgpuUtils.ts';
import { chunkGrids, MAX_ROW_THREADS, planBoundChunks, type BoundChunk, type BoundPlan } from './plan.ts';

/** Largest K: sample k draws from RNG step (evaluation << 20) + k (src/models/vae/draws.ts). */
export const MAX_BOUND_SAMPLES = 1 << 20;

/** What the bound computes and how it reports. */
export interface ImportanceBoundOptions {
  /** samples per image, 1..2^20 */
  K: number;
  /** the run's seed (binarization and sampling streams; the CPU engine's seed group) */
  seed: number;
  /** evaluation number e (binarization step e, sample k at step (e << 20) + k, 32 bits as on the CPU); default 0 */
  evaluation?: number;
  /**
   * called after each chunk with the (image, sample) pairs done and images × K; monotone, ends at
   * total; awaited (the caller may pause there, or throw to stop the evaluation)
   */
  onProgress?: (done: number, total: number) => unknown;
  /** stops between chunks (the promise rejects with the signal's reason) */
  signal?: AbortSignal;
  /** edge of affine_logits' TILE × TILE workgroups (default 4 on a CPU adapter, else 16 or 8) */
  tile?: number;
  /**
   * invocations per row of the row kernels, a power of two up to 64 (default 1 on a CPU
   * adapter, where workgroup barriers cost more than the loop they shorten; else 64)
   */
  rowThreads?: number;
  /** at most this many (image, sample) rows per chunk (plan.ts DEFAULT_MAX_ROWS) */
  maxRowsPerChunk?: number;
}

/** The bound of every test image. */
export interface ImportanceBoundResult {
  /** [images] log (1/K) Σ_k w_k per test image (nats), float32 from the GPU */
  perImage: Float32Array;
  /** mean of perImage in float64 (nats per image): the engine's test score */
  mean: number;
  K: number;
  /** chunks the computation was cut into */
  chunks: number;
}

/** One dispatch of every chunk: its kernel, bind group, and which grid of chunkGrids it uses (a program Dispatch once the chunk's grids are known). */
interface ChunkDispatch {
  kernel: Kernel;
  group: GPUBindGroup;
  grid: 'binarize' | 'affineImages' | 'affineRows' | 'rows' | 'images';
  /** affine_logits of a narrower output than the widest: its own x */
  outWidth?: number;
  label: string;
}

/**
 * Checks the inputs of importanceWeightedBoundGpu.
 * @throws EngineError('config') in one line naming the bad value
 */
function validate(params: VaeParams, images: ImageSet, options: ImportanceBoundOptions): void {
  const { K, seed } = options;
  const evaluation = options.evaluation ?? 0;
  if (!Number.isInteger(K) || K < 1 || K > MAX_BOUND_SAMPLES) throw new EngineError(`importance-weighted bound: K must be an integer in 1..${MAX_BOUND_SAMPLES}, got ${K}`, 'config');
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new EngineError(`importance-weighted bound: seed must be an integer in 0..4294967295, got ${seed}`, 'config');
  const rowThreads = options.rowThreads;
  if (rowThreads !== undefined && !(Number.isInteger(rowThreads) && rowThreads >= 1 && rowThreads <= MAX_ROW_THREADS && (rowThreads & (rowThreads - 1)) === 0)) {
    throw new EngineError(`importance-weighted bound: rowThreads must be a power of two in 1..${MAX_ROW_THREADS}, got ${rowThreads}`, 'config');
  }
  if (!Number.isInteger(evaluation) || evaluation < 0 || evaluation > 0xffffffff) throw new EngineError(`importance-weighted bound: evaluation must be an integer in 0..4294967295, got ${evaluation}`, 'config');
  const pixels = params.sizes[0];
  if (!Number.isInteger(images.count) || images.count < 1) throw new EngineError(`importance-weighted bound: needs at least one test image, got ${images.count}`, 'config');
  if (images.images.length < images.count * pixels) throw new EngineError(`importance-weighted bound: ${images.count} images of ${pixels} pixels need ${images.count * pixels} intensities, got ${images.images.length}`, 'config');
  if (images.labels.length < images.count) throw new EngineError(`importance-weighted bound: ${images.count} images need ${images.count} labels, got ${images.labels.length}`, 'config');
  const expected = paramArrays(params).reduce((s, a) => s + a.length, 0);
  const L = params.shape.layers;
  const s = params.sizes;
  let needed = 0;
  for (let l = 1; l <= L; l++) needed += (s[l - 1] + 1) * s[l];
  for (let m = 0; m < L; m++) needed += (s[m + 1] + 1) * s[m];
  needed += s[L];
  if (expected !== needed) throw new EngineError(`importance-weighted bound: parameters hold ${expected} values, the shape needs ${needed}`, 'config');
}

/**
 * The K-sample importance-weighted bound (docs/math.md §3) of every image of `testImages` under the
 * VAE `params`, on `runtime`'s device: the same value as the CPU engine's evaluate() for the
 * same seed and evaluation number, up to float32 rounding (the samples are the same: both draw
 * from the counter-based RNG). Image n is binarized with testBinarizeKey(seed, evaluation) at
 * index n·pixels + p, and its sample k draws layer l from streamKey(seed, (evaluation << 20) + k,
 * vaeBase + 64 + l) at index n·width + i. Buffers are allocated through runtime.res and released
 * before this returns (or throws).
 * @param params the VAE in the CPU layout (float32 or float64; rounded to float32), one run
 * @param testImages raw intensities 0..255, [images, pixels]; pixels must equal params.sizes[0]
 * @returns per-image bounds (nats, [images]) and their mean
 * @throws EngineError('config') for bad inputs, EngineError('limits') when not even one row fits
 * the device, what runtime.check() throws for GPU errors, and the signal's reason when aborted
 */
export async function importanceWeightedBoundGpu(runtime: GpuRuntime, params: VaeParams, testImages: ImageSet, options: ImportanceBoundOptions): Promise<ImportanceBoundResult> {
  validate(params, testImages, options);
  options.signal?.throwIfAborted();
  runtime.check();
  const { device, res } = runtime;
  const { K, seed } = options;
  const evaluation = options.evaluation ?? 0;
  const L = params.shape.layers;
  const sizes = params.sizes;
  const pixels = sizes[0];
  const width = params.shape.width;
  const count = testImages.count;
  const shape = { pixels, layers: L, width };
  const tile = options.tile ?? runtime.defaultTile;
  const rowThreads = options.rowThreads ?? (runtime.cpuAdapter ? 1 : MAX_ROW_THREADS);
  const plan: BoundPlan = planBoundChunks(device.limits, shape, count, K, tile, options.maxRowsPerChunk);
  const { rowCapacity: rowCap, imageCapacity: imageCap } = plan;

  // parameters as one array in the CPU order; offsets of each [W; b] (or of the prior's bias)
  const arrays = paramArrays(params);
  const flat = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  const offsets: number[] = [];
  let at = 0;
  for (const a of arrays) {
    offsets.push(at);
    flat.set(a, at);
    at += a.length;
  }
  const encOffset = (l: number): number => offsets[2 * (l - 1)];
  const decOffset = (m: number): number => offsets[2 * L + 2 * m];
  const priorOffset = offsets[4 * L];

  const created: GPUBuffer[] = [];
  const storage = (label: string, data: ArrayBufferView | number): GPUBuffer => {
    const b = res.storage(`bound ${label}`, data);
    created.push(b);
    return b;
  };
  const uniform = (label: string, view: StructuredView, values: Record<string, number>): GPUBuffer => {
    const b = res.buffer(`bound ${label}`, view.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    created.push(b);
    view.set(values);
    res.write(b, new Uint8Array(view.arrayBuffer));
    return b;
  };
  let pending: Promise<void> | null = null;
  try {
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    let setup: ChunkSetup & { logMeanExp: GPUBuffer };
    try {
      setup = (() => {
        // the two reused kernels (with a whole step buffer) and its three own (kernels/catalog.ts)
        const compiled = compileKernels(runtime, ['vae_bound_binarize_minibatch', 'vae_bound_affine_logits', 'vae_bound_encoder_sample', 'vae_bound_decoder_log_prob', 'vae_bound_log_mean_exp'], { tile, rowThreads });
        const k = {
          binarize: compiled.vae_bound_binarize_minibatch,
          affine: compiled.vae_bound_affine_logits,
          encoderSample: compiled.vae_bound_encoder_sample,
          decoderLogProb: compiled.vae_bound_decoder_log_prob,
          logMeanExp: compiled.vae_bound_log_mean_exp,
        };
        const paramsBuf = storage('parameters', flat);
        const imagesBuf = storage('test images', testImages.images.subarray(0, count * pixels));
        const labelsBuf = storage('test labels', Uint32Array.from(testImages.labels.subarray(0, count)));
        const permutation = storage('permutation (unused: gather = 0)', new Uint32Array(1));
        const groupSeeds = storage('seed', new Uint32Array([seed]));
        // one RunState of zeros: seed group 0 (all affine_logits reads of it)
        const runs = storage('run state', new Uint8Array(k.affine.defs.structs.RunState.size));
        const pixelsBuf = storage('pixels', imageCap * pixels * 4);
        const batchLabels = storage('batch labels', imageCap * 4);
        const logits1 = storage('layer-1 logits', imageCap * width * 4);
        const samples = [storage('unused', 4)];
        for (let l = 1; l <= L; l++) samples.push(storage(`layer-${l} samples`, rowCap * width * 4));
        const encLogits = L > 1 ? storage('encoder logits', rowCap * width * 4) : logits1;
        const decLogits = storage('decoder logits', rowCap * Math.max(pixels, L > 1 ? width : 0) * 4);
        const logWeight = storage('log weights', rowCap * 4);
        const logMeanExp = storage('log mean exp', count * 4);

        const stepView = uniformView(k.encoderSample, 'step');
        const stepImages = res.buffer('bound step (images)', stepView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
        const stepRows = res.buffer('bound step (rows)', stepView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
        created.push(stepImages, stepRows);
        const layerView = uniformView(k.decoderLogProb, 'layer');
        const layer = (label: string, values: Record<string, number>): GPUBuffer =>
          uniform(`layer (${label})`, layerView, { layer: 0, inWidth: 0, outWidth: 0, paramOffset: 0, paramsPerRun: 0, capacity: rowCap, inputIsPixels: 0, centered: 0, targetIsPixels: 0, categories: 0, ...values });

        const dispatches: ChunkDispatch[] = [];
        dispatches.push({
          kernel: k.binarize,
          label: 'binarize',
          grid: 'binarize',
          group: runtime.bind(k.binarize, 'bound binarize', {
            layer: layer('binarize', { inWidth: pixels, capacity: imageCap }),
            step: stepImages,
            images: imagesBuf,
            labels: labelsBuf,
            permutation,
            groupSeeds,
            pixelsOut: pixelsBuf,
            batchLabels,
          }),
        });
        dispatches.push({
          kernel: k.affine,
          label: 'encoder 1 logits',
          grid: 'affineImages',
          group: runtime.bind(k.affine, 'bound encoder 1 logits', {
            layer: layer('encoder 1 logits', { layer: 1, inWidth: pixels, outWidth: width, paramOffset: encOffset(1), capacity: imageCap, inputIsPixels: 1 }),
            step: stepImages,
            runs,
            params: paramsBuf,
            inputs: pixelsBuf,
            logits: logits1,
          }),
        });
        for (let l = 1; l <= L; l++) {
          if (l > 1) {
            dispatches.push({
              kernel: k.affine,
              label: `encoder ${l} logits`,
              grid: 'affineRows',
              outWidth: width,
              group: runtime.bind(k.affine, `bound encoder ${l} logits`, {
                layer: layer(`encoder ${l} logits`, { layer: l, inWidth: width, outWidth: width, paramOffset: encOffset(l) }),
                step: stepRows,
                runs,
                params: paramsBuf,
                inputs: samples[l - 1],
                logits: encLogits,
              }),
            });
          }
          dispatches.push({
            kernel: k.encoderSample,
            label: `encoder ${l} sample`,
            grid: 'rows',
            group: runtime.bind(k.encoderSample, `bound encoder ${l} sample`, {
              layer: layer(`encoder ${l} sample`, { layer: l, outWidth: width, inputIsPixels: l === 1 ? 1 : 0 }),
              step: stepRows,
              logits: l === 1 ? logits1 : encLogits,
              samples: samples[l],
              logWeight,
            }),
          });
        }
        for (let m = 0; m <= L; m++) {
          if (m < L) {
            dispatches.push({
              kernel: k.affine,
              label: `decoder ${m} logits`,
              grid: 'affineRows',
              outWidth: sizes[m],
              group: runtime.bind(k.affine, `bound decoder ${m} logits`, {
                layer: layer(`decoder ${m} logits`, { layer: m, inWidth: width, outWidth: sizes[m], paramOffset: decOffset(m) }),
                step: stepRows,
                runs,
                params: paramsBuf,
                inputs: samples[m + 1],
                logits: decLogits,
              }),
            });
          }
          dispatches.push({
            kernel: k.decoderLogProb,
            label: m === L ? 'prior log-probability' : `decoder ${m} log-probability`,
            grid: 'rows',
            group: runtime.bind(k.decoderLogProb, `bound decoder ${m} log-probability`, {
              layer: layer(`decoder ${m} log-probability`, {
                layer: m,
                inWidth: m === L ? 0 : width,
                outWidth: sizes[m],
                paramOffset: m === L ? priorOffset : decOffset(m),
                targetIsPixels: m === 0 ? 1 : 0,
              }),
              step: stepRows,
              params: paramsBuf,
              logits: decLogits,
              targets: m === 0 ? pixelsBuf : samples[m],
              logWeight,
            }),
          });
        }
        dispatches.push({
          kernel: k.logMeanExp,
          label: 'log-mean-exp',
          grid: 'images',
          group: runtime.bind(k.logMeanExp, 'bound log-mean-exp', { step: stepRows, logWeight, logMeanExp }),
        });
        return { dispatches, stepView, stepImages, stepRows, logWeight, logMeanExp };
      })();
    } catch (thrown) {
      void Promise.all([device.popErrorScope(), device.popErrorScope()]).catch(() => undefined);
      throw thrown;
    }
    const errors = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
    const error = errors.find((e) => e !== null);
    if (error) throw new EngineError(`WebGPU importance-weighted bound: setup failed: ${error.message}`, error instanceof GPUOutOfMemoryError ? 'limits' : 'internal');

    const total = count * K;
    let done = 0;
    let pendingPairs = 0;
    for (const chunk of plan.chunks) {
      options.signal?.throwIfAborted();
      runtime.check();
      encodeChunk(runtime, setup, chunk, { seed, evaluation, K, shape, tile });
      const finished = runtime.idle();
      if (pending) {
        await pending;
        runtime.check();
        done += pendingPairs;
        await options.onProgress?.(done, total);
      }
      pending = finished;
      pendingPairs = chunk.images * chunk.samples;
    }
    if (pending) {
      await pending;
      pending = null;
      runtime.check();
      done += pendingPairs;
      await options.onProgress?.(done, total);
    }
    const bytes = await res.read(setup.logMeanExp, 0, count * 4, 'importance-weighted bound');
    runtime.check();
    const perImage = new Float32Array(bytes);
    let sum = 0;
    for (const v of perImage) sum += v;
    return { perImage, mean: sum / count, K, chunks: plan.chunks.length };
  } finally {
    // buffers in use by submitted work are destroyed once that work completes (WebGPU)
    for (const b of created) res.release(b);
  }
}

interface ChunkSetup {
  dispatches: ChunkDispatch[];
  stepView: StructuredView;
  stepImages: GPUBuffer;
  stepRows: GPUBuffer;
  logWeight: GPUBuffer;
}

/** Writes a chunk's step uniforms and submits its dispatches, every grid checked against the device first. */
function encodeChunk(
  runtime: GpuRuntime,
  setup: ChunkSetup,
  chunk: BoundChunk,
  c: { seed: number; evaluation: number; K: number; shape: { pixels: number; layers: number; width: number }; tile: number },
): void {
  const { device, res } = runtime;
  const rows = chunk.images * chunk.samples;
  const grids = chunkGrids(device.limits, c.shape, c.tile, chunk.images, chunk.samples);
  for (const d of setup.dispatches) runtime.checkGrid(gridOf(d, grids, c.tile), `kernel ${d.kernel.name} (${d.label})`);
  const dispatches: Dispatch[] = setup.dispatches.map((d) => ({ kernel: d.kernel, group: d.group, grid: gridOf(d, grids, c.tile), stepSlot: false }));
  const base = {
    exampleOffset: chunk.firstImage,
    gather: 0,
    cursor: 0,
    permStride: 0,
    binarizeStep: c.evaluation,
    binarizeStream: Stream.binarizeTest,
    seed: c.seed,
    evaluation: c.evaluation,
    firstImage: chunk.firstImage,
    images: chunk.images,
    firstSample: chunk.firstSample,
    samples: chunk.samples,
    totalSamples: c.K,
    logK: Math.log(c.K),
  };
  setup.stepView.set({ ...base, batch: chunk.images });
  res.write(setup.stepImages, new Uint8Array(setup.stepView.arrayBuffer));
  setup.stepView.set({ ...base, batch: rows });
  res.write(setup.stepRows, new Uint8Array(setup.stepView.arrayBuffer));
  const encoder = device.createCommandEncoder({ label: 'importance-weighted bound chunk' });
  encoder.clearBuffer(setup.logWeight, 0, rows * 4);
  const pass = encoder.beginComputePass({ label: 'importance-weighted bound' });
  encodeDispatches(pass, dispatches, 0);
  pass.end();
  runtime.submit(encoder);
}

function gridOf(d: ChunkDispatch, grids: ReturnType<typeof chunkGrids>, tile: number): [number, number, number] {
  const g = grids[d.grid];
  return d.outWidth === undefined ? g : [Math.ceil(d.outWidth / tile), g[1], g[2]];
}

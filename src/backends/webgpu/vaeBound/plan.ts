// How the importance-weighted bound (docs/math.md §3 test metric) is cut into chunks of
// (image, sample) rows so that every buffer and every dispatch of a chunk stays within the
// device's limits: planned from the limits alone (no device), so tests can plan against any.
import { EngineError } from '../../../engine/types.ts';
import { LINEAR_WORKGROUP_SIZE } from '../kernels/constants.ts';

/** The device limits a chunk can hit (a GPUSupportedLimits satisfies it). */
export interface BoundLimits {
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Test images firstImage .. firstImage + images, samples firstSample .. firstSample + samples of each. */
export interface BoundChunk {
  firstImage: number;
  images: number;
  firstSample: number;
  samples: number;
}

/** Shapes of the bound's pass: pixels, stochastic layers L, units per layer. */
export interface BoundShape {
  pixels: number;
  layers: number;
  width: number;
}

/** Rows of one chunk when no limit binds: large enough to fill a GPU, small enough for frequent progress. */
export const DEFAULT_MAX_ROWS = 1 << 16;
/** Most invocations per workgroup of the one-workgroup-per-row kernels (their WORKGROUP_SIZE, vae_bound_row_sum.wgsl). */
export const MAX_ROW_THREADS = 64;

/** The chunks of one bound computation and the buffer capacities they need. */
export interface BoundPlan {
  /** (image, sample) rows a chunk may hold: the first dimension of every row buffer */
  rowCapacity: number;
  /** images a chunk may hold: the first dimension of the pixel and layer-1 logit buffers */
  imageCapacity: number;
  /** every (image, sample) pair exactly once, images in order, each image's samples in order */
  chunks: BoundChunk[];
}

/** Workgroup grids [x, y, z] of one chunk's dispatches, by kernel (one entry per distinct shape). */
export interface ChunkGrids {
  binarize: [number, number, number];
  /** affine_logits for layer 1 (rows = the chunk's images) */
  affineImages: [number, number, number];
  /** affine_logits for the other weight matrices, widest output (rows = the chunk's rows) */
  affineRows: [number, number, number];
  /** the one-workgroup-per-row kernels (encoder sampling, decoder log-probabilities) */
  rows: [number, number, number];
  /** log-mean-exp: one workgroup per image */
  images: [number, number, number];
}

/** A 1-D count of workgroups folded into x × y past the per-dimension limit (runtime/limits.ts foldedGrid). */
function folded(workgroups: number, max: number): [number, number, number] {
  const n = Math.max(1, workgroups);
  const x = Math.min(n, max);
  return [x, Math.ceil(n / x), 1];
}

/** The grids of a chunk of `images` images × `samples` samples (tile: edge of affine_logits' workgroups). */
export function chunkGrids(limits: BoundLimits, shape: BoundShape, tile: number, images: number, samples: number): ChunkGrids {
  const max = limits.maxComputeWorkgroupsPerDimension;
  const rows = images * samples;
  const widest = Math.max(shape.pixels, shape.width);
  return {
    // binarize_minibatch: x = pixels over 1-D workgroups, y = images (unfolded)
    binarize: [Math.ceil(shape.pixels / LINEAR_WORKGROUP_SIZE), images, 1],
    affineImages: [Math.ceil(shape.width / tile), Math.ceil(images / tile), 1],
    affineRows: [Math.ceil(widest / tile), Math.ceil(rows / tile), 1],
    rows: folded(rows, max),
    images: folded(images, max),
  };
}

/**
 * Cuts images × K sample rows into chunks: as many whole images (all K samples) per chunk as
 * fit, or, when K rows do not fit, one image per chunk in runs of samples. A chunk's rows are
 * bounded by the largest row buffer (the decoder's pixel logits, rows × max(pixels, width)
 * f32) against maxStorageBufferBindingSize and maxBufferSize, by affine_logits' grid
 * (ceil(rows / tile) ≤ maxComputeWorkgroupsPerDimension) and by `maxRows`; its images by
 * binarize_minibatch's unfolded y dimension.
 * @param maxRows at most this many rows per chunk (default DEFAULT_MAX_ROWS)
 * @throws EngineError('config') for images < 1 or K < 1; EngineError('limits') when not even one
 * row fits the device, naming the limit
 */
export function planBoundChunks(limits: BoundLimits, shape: BoundShape, images: number, K: number, tile: number, maxRows = DEFAULT_MAX_ROWS): BoundPlan {
  if (!Number.isInteger(images) || images < 1) throw new EngineError(`importance-weighted bound: needs at least one test image, got ${images}`, 'config');
  if (!Number.isInteger(K) || K < 1) throw new EngineError(`importance-weighted bound: K must be a positive integer, got ${K}`, 'config');
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new EngineError(`importance-weighted bound: maxRows must be a positive integer, got ${maxRows}`, 'config');
  const max = limits.maxComputeWorkgroupsPerDimension;
  const widest = Math.max(shape.pixels, shape.width);
  if (Math.ceil(widest / tile) > max) {
    throw new EngineError(`WebGPU engine: the importance-weighted bound needs ${Math.ceil(widest / tile)} workgroups along x for ${widest} units, but this device allows maxComputeWorkgroupsPerDimension = ${max}`, 'limits');
  }
  const bufferBytes = Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / 16) * 16;
  const byStorage = Math.floor(bufferBytes / (4 * widest));
  if (byStorage < 1) {
    throw new EngineError(`WebGPU engine: the importance-weighted bound needs maxStorageBufferBindingSize >= ${4 * widest} for one row of ${widest} logits, but this device allows ${bufferBytes}`, 'limits');
  }
  const rowCapacity = Math.min(byStorage, max * tile, maxRows);
  const chunks: BoundChunk[] = [];
  let imageCapacity: number;
  if (K <= rowCapacity) {
    imageCapacity = Math.min(Math.floor(rowCapacity / K), max, images);
    for (let first = 0; first < images; first += imageCapacity) chunks.push({ firstImage: first, images: Math.min(imageCapacity, images - first), firstSample: 0, samples: K });
  } else {
    imageCapacity = 1;
    for (let n = 0; n < images; n++) {
      for (let first = 0; first < K; first += rowCapacity) chunks.push({ firstImage: n, images: 1, firstSample: first, samples: Math.min(rowCapacity, K - first) });
    }
  }
  return { rowCapacity, imageCapacity, chunks };
}

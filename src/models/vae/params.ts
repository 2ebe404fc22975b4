// VAE shapes and parameters (docs/math.md §3). Every weight matrix is stored input-major,
// W[j * outSize + i] (input j, unit i), so a 0/1 input adds whole contiguous rows.
import { ParameterTensor } from '../../engine/optimizer.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { streamKey } from '../../rng/counterRng.ts';
import { glorotUniform } from '../units/init.ts';
import { VAE_INIT_STREAM } from './draws.ts';

export type ParamArray = Float32Array | Float64Array;

export interface VaeShape {
  pixels: number;
  /** stochastic layers L (1..5) */
  layers: number;
  width: number;
}

/**
 * Encoder q_l(φ_l | φ_{l-1}), l = 1..L, at index l-1: weights [sizes[l-1] × sizes[l]].
 * Decoder p_m(φ_m | φ_{m+1}), m = 0..L-1, at index m: weights [sizes[m+1] × sizes[m]].
 * decB[L] holds the prior's logits (bias only).
 */
export interface VaeParams {
  shape: VaeShape;
  /** sizes[0] = pixels, sizes[l] = width for l = 1..L */
  sizes: number[];
  encW: ParamArray[];
  encB: ParamArray[];
  decW: ParamArray[];
  decB: ParamArray[];
}

export function layerSizes(shape: VaeShape): number[] {
  const sizes = [shape.pixels];
  for (let l = 1; l <= shape.layers; l++) sizes.push(shape.width);
  return sizes;
}

/** Tensor sizes in optimizer order: W_1, b_1, ..., W_L, b_L (encoder), then D_0, c_0, ..., D_{L-1}, c_{L-1}, c_L. */
export function tensorSizes(shape: VaeShape): number[] {
  const s = layerSizes(shape);
  const out: number[] = [];
  for (let l = 1; l <= shape.layers; l++) out.push(s[l - 1] * s[l], s[l]);
  for (let m = 0; m < shape.layers; m++) out.push(s[m + 1] * s[m], s[m]);
  out.push(s[shape.layers]);
  return out;
}

/** Views a flat tensor list (tensorSizes order) as VaeParams. */
export function paramsFromArrays(shape: VaeShape, arrays: ParamArray[]): VaeParams {
  const L = shape.layers;
  const p: VaeParams = { shape, sizes: layerSizes(shape), encW: [], encB: [], decW: [], decB: [] };
  for (let l = 0; l < L; l++) {
    p.encW.push(arrays[2 * l]);
    p.encB.push(arrays[2 * l + 1]);
  }
  for (let m = 0; m < L; m++) {
    p.decW.push(arrays[2 * L + 2 * m]);
    p.decB.push(arrays[2 * L + 2 * m + 1]);
  }
  p.decB.push(arrays[4 * L]);
  return p;
}

/** Weights uniform in ±sqrt(6/(fan_in+fan_out)), biases 0 (docs/math.md §3, as §2). Tensor t draws from step t. */
export function initArrays(shape: VaeShape, seed: number, arrays: ParamArray[]): void {
  const s = layerSizes(shape);
  const fans: [number, number][] = [];
  for (let l = 1; l <= shape.layers; l++) fans.push([s[l - 1], s[l]], [0, 0]);
  for (let m = 0; m < shape.layers; m++) fans.push([s[m + 1], s[m]], [0, 0]);
  fans.push([0, 0]);
  for (let t = 0; t < arrays.length; t++) {
    const a = arrays[t];
    const [fi, fo] = fans[t];
    if (fi === 0) {
      a.fill(0);
      continue;
    }
    glorotUniform(a, fi, fo, streamKey(seed, t, VAE_INIT_STREAM));
  }
}

/** Float32 parameters backed by optimizer tensors (the engine); `arrays`: where they live (a run's WASM kernel arena). */
export function createVaeTensors(shape: VaeShape, seed: number, allocator: ArrayAllocator = heapArrays): { tensors: ParameterTensor[]; params: VaeParams } {
  const tensors = tensorSizes(shape).map((n) => new ParameterTensor(n, allocator));
  const arrays = tensors.map((t) => t.value);
  initArrays(shape, seed, arrays);
  return { tensors, params: paramsFromArrays(shape, arrays) };
}

/** Float64 parameters (tests: finite differences and exact enumeration). */
export function createVaeParams64(shape: VaeShape, seed: number): VaeParams {
  const arrays = tensorSizes(shape).map((n) => new Float64Array(n));
  initArrays(shape, seed, arrays);
  return paramsFromArrays(shape, arrays);
}

/** Every tensor of `p` in tensorSizes order. */
export function paramArrays(p: VaeParams): ParamArray[] {
  const out: ParamArray[] = [];
  for (let l = 0; l < p.shape.layers; l++) out.push(p.encW[l], p.encB[l]);
  for (let m = 0; m < p.shape.layers; m++) out.push(p.decW[m], p.decB[m]);
  out.push(p.decB[p.shape.layers]);
  return out;
}

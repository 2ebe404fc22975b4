// Per-epoch shuffles and dynamic binarization (docs/math.md §2), driven by the counter-based RNG
// so a seed reproduces a run exactly and the WebGPU engine can redo the same draws.
import { pixelIsOn, streamKey, uniform } from '../rng/counterRng.ts';
import { Stream } from '../rng/streams.ts';
import type { ImageSet } from './dataset.ts';

/** Fisher–Yates permutation of 0..n-1 for (seed, epoch): j = floor(u·(i+1)). */
export function epochPermutation(seed: number, epoch: number, n: number): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const key = streamKey(seed, epoch, Stream.shuffle);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform(key, i) * (i + 1));
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  return perm;
}

/**
 * Binary examples in sparse form: the indices of the pixels that are 1.
 * Example b's on-pixels are onIndex[onStart[b] .. onStart[b+1]).
 */
export interface SparseBinaryRows {
  count: number;
  width: number;
  onStart: Int32Array;
  onIndex: Int32Array;
}

export function allocSparseRows(count: number, width: number): SparseBinaryRows {
  return { count, width, onStart: new Int32Array(count + 1), onIndex: new Int32Array(count * width) };
}

/**
 * Binarizes images `indices` of `set` (pixel on with probability intensity/255) into `out`.
 * The draw for pixel p of image n uses index n·pixels + p of stream key `key`, so a given
 * image gets the same bits wherever it lands in the batch.
 */
export function binarizeRows(
  set: ImageSet,
  pixels: number,
  indices: ArrayLike<number>,
  key: number,
  out: SparseBinaryRows,
): void {
  let k = 0;
  out.count = indices.length;
  for (let b = 0; b < indices.length; b++) {
    out.onStart[b] = k;
    const n = indices[b];
    const base = n * pixels;
    for (let p = 0; p < pixels; p++) {
      const intensity = set.images[base + p];
      if (intensity !== 0 && pixelIsOn(key, base + p, intensity)) out.onIndex[k++] = p;
    }
  }
  out.onStart[indices.length] = k;
}

export function trainBinarizeKey(seed: number, epoch: number): number {
  return streamKey(seed, epoch, Stream.binarizeTrain);
}

export function testBinarizeKey(seed: number, evaluation: number): number {
  return streamKey(seed, evaluation, Stream.binarizeTest);
}

/**
 * The shared minibatch stream of one seed: epoch e visits permutation(seed, e) in order,
 * `batch` images per update; a tail shorter than a batch is skipped. The batch size may
 * change between updates (the playground allows it).
 */
export class MinibatchStream {
  epoch = 0;
  cursor = 0;
  private perm: Uint32Array;
  constructor(
    readonly seed: number,
    readonly count: number,
  ) {
    this.perm = epochPermutation(seed, 0, count);
  }

  /** The image indices of the next batch, and the epoch they belong to. */
  next(batch: number): { indices: Uint32Array; epoch: number } {
    if (batch > this.count) throw new Error(`batch size ${batch} exceeds the ${this.count} training images`);
    if (this.cursor + batch > this.count) {
      this.epoch += 1;
      this.cursor = 0;
      this.perm = epochPermutation(this.seed, this.epoch, this.count);
    }
    const indices = this.perm.subarray(this.cursor, this.cursor + batch);
    this.cursor += batch;
    return { indices, epoch: this.epoch };
  }

  /**
   * Puts the stream at `cursor` within epoch `epoch` (a resumed run continues the same order).
   * @throws Error when the cursor lies beyond the images
   */
  restore(epoch: number, cursor: number): void {
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isInteger(cursor) || cursor < 0 || cursor > this.count) {
      throw new Error(`minibatch stream position epoch ${epoch}, cursor ${cursor} is outside 0..${this.count}`);
    }
    this.epoch = epoch;
    this.cursor = cursor;
    this.perm = epochPermutation(this.seed, epoch, this.count);
  }

  /** The current epoch's permutation (the WebGPU engine uploads it). */
  get permutation(): Uint32Array {
    return this.perm;
  }
}

// Where the VAE's random choices come from. The per-example estimate is a pure function of
// parameters, input and these draws, so tests can inject every choice (exact enumeration)
// while the engine draws from the counter-based RNG.
//
// Stream offsets from Stream.vaeBase (step = update number, index = example·width + unit):
//   vaeBase + l             main forward pass, layer l = 1..L (DisARM: φ = [1-u < p], φ~ = [u < p])
//   vaeBase + 8·f + l       partial pass started at layer f (LOO: l = f is the second sample)
//   vaeBase + 64 + l        test bound, layer l (step = evaluation·2^20 + k for sample k)
//   vaeBase + 120           weight init (step = tensor number, index = element)
import { MAX_VAE_LAYERS } from '../../engine/types.ts';
import { streamKey, uniform } from '../../rng/counterRng.ts';
import { Stream } from '../../rng/streams.ts';
import { commonKernels } from '../../simd/wasmKernels.ts';

export const VAE_INIT_STREAM = Stream.vaeBase + 120;
/** Stream of the test bound's layer l: VAE_BOUND_STREAM_BASE + l (step = evaluation·2^20 + k; the WGSL reads it as STREAM_VAE_BOUND_BASE). */
export const VAE_BOUND_STREAM_BASE = Stream.vaeBase + 64;

/**
 * The stream offset (from Stream.vaeBase) of layer `layer`'s training draws in pass `pass`:
 * 0 the main forward pass, f > 0 the partial pass started at layer f (LOO's second sample at
 * layer f). The CPU draws and the WebGPU program's sampling kernels both key by it.
 */
export function vaeSampleStream(pass: number, layer: number): number {
  return 8 * pass + layer;
}

export interface VaeDraws {
  /**
   * out[i] = 1 with probability p[i], i < n. `pass` 0 = main forward pass, f > 0 = the
   * partial pass started at layer f (LOO's second sample when layer = f).
   */
  bernoulli(pass: number, layer: number, p: Float64Array, n: number, out: Uint8Array): void;
  /** DisARM's main sample and antithetic partner from one uniform u per unit: out = [1-u < p], anti = [u < p]. */
  antithetic(layer: number, p: Float64Array, n: number, out: Uint8Array, anti: Uint8Array): void;
}

/** Training draws of one (seed, update), example `b` selected with setExample. */
export class RngDraws implements VaeDraws {
  private readonly keys: Uint32Array;
  private base = 0;
  constructor(private readonly width: number) {
    this.keys = new Uint32Array(8 * (MAX_VAE_LAYERS + 1));
  }
  setStep(seed: number, step: number, layers: number): void {
    for (let f = 0; f <= layers; f++) {
      for (let l = Math.max(f, 1); l <= layers; l++) this.keys[vaeSampleStream(f, l)] = streamKey(seed, step, Stream.vaeBase + vaeSampleStream(f, l));
    }
  }
  setExample(b: number): void {
    this.base = b * this.width;
  }
  bernoulli(pass: number, layer: number, p: Float64Array, n: number, out: Uint8Array): void {
    const key = this.keys[vaeSampleStream(pass, layer)];
    // p and out in one WASM kernel memory: vaeBernoulli, the same uniforms and comparisons
    const kernels = commonKernels(p, out);
    if (kernels) {
      kernels.exports.vaeBernoulli(key, this.base, p.byteOffset, n, out.byteOffset, 0, 0);
      return;
    }
    for (let i = 0; i < n; i++) out[i] = uniform(key, this.base + i) < p[i] ? 1 : 0;
  }
  antithetic(layer: number, p: Float64Array, n: number, out: Uint8Array, anti: Uint8Array): void {
    const key = this.keys[layer];
    const kernels = commonKernels(p, out, anti);
    if (kernels) {
      kernels.exports.vaeBernoulli(key, this.base, p.byteOffset, n, out.byteOffset, 1, anti.byteOffset);
      return;
    }
    for (let i = 0; i < n; i++) {
      const u = uniform(key, this.base + i);
      out[i] = 1 - u < p[i] ? 1 : 0;
      anti[i] = u < p[i] ? 1 : 0;
    }
  }
}

/** Draws of the importance-weighted test bound: sample k of example b in evaluation e. */
export class EvalDraws implements VaeDraws {
  private readonly keys = new Uint32Array(MAX_VAE_LAYERS + 1);
  private base = 0;
  constructor(
    private readonly seed: number,
    private readonly width: number,
    private readonly layers: number,
  ) {}
  setSample(evaluation: number, k: number, b: number): void {
    const step = ((evaluation << 20) + k) >>> 0;
    for (let l = 1; l <= this.layers; l++) this.keys[l] = streamKey(this.seed, step, VAE_BOUND_STREAM_BASE + l);
    this.base = b * this.width;
  }
  bernoulli(_pass: number, layer: number, p: Float64Array, n: number, out: Uint8Array): void {
    const key = this.keys[layer];
    const kernels = commonKernels(p, out);
    if (kernels) {
      kernels.exports.vaeBernoulli(key, this.base, p.byteOffset, n, out.byteOffset, 0, 0);
      return;
    }
    for (let i = 0; i < n; i++) out[i] = uniform(key, this.base + i) < p[i] ? 1 : 0;
  }
  antithetic(): void {
    throw new Error('the test bound draws no antithetic pairs');
  }
}

// Looking at a discrete VAE as it learns (the playground's VAE views, docs/math.md §3): test
// digits through the encoder and back through the decoder (input → sampled code → pixel
// probabilities), and digits sampled from the generative model (prior, then the decoder).
// Pure functions of the parameters and the counter-based RNG, shared by every engine.
import { EngineError, type VaeDigit, type VaeViews } from '../../engine/types.ts';
import { streamKey, uniform } from '../../rng/counterRng.ts';
import { Stream } from '../../rng/streams.ts';
import { RngDraws } from './draws.ts';
import { decoderLayer, forwardPass, PassState } from './forward.ts';
import type { VaeParams } from './params.ts';

/**
 * Stream offset of the prior samples of layer m = 0..L (m = L: the prior, m = 0: the pixels are
 * not sampled, their probabilities are returned): step = sample number, index = unit.
 * See draws.ts for the VAE's other offsets.
 */
export const VAE_PRIOR_SAMPLE_STREAM = Stream.vaeBase + 96;

/**
 * Reconstructions of 0/1 images: for image i, φ_1..φ_L ~ q(.|x) (the encoder, drawn from the
 * training streams of `seed` at step 0xffffffff, example i: never a training update in
 * practice), then the decoder's pixel probabilities given φ_1.
 * @param images each a 0/1 image, [pixels]
 * @throws Error for an image of the wrong size
 */
export function reconstructDigits(params: VaeParams, images: readonly Uint8Array[], seed: number): VaeDigit[] {
  const { sizes } = params;
  const L = params.shape.layers;
  const s = new PassState(sizes);
  const draws = new RngDraws(params.shape.width);
  draws.setStep(seed, 0xffffffff, L);
  const on = new Int32Array(sizes[0]);
  return images.map((pixels, i) => {
    if (pixels.length !== sizes[0]) throw new Error(`expected ${sizes[0]} pixels, got ${pixels.length}`);
    let n = 0;
    for (let d = 0; d < pixels.length; d++) if (pixels[d] !== 0) on[n++] = d;
    s.setInput(on, 0, n);
    draws.setExample(i);
    forwardPass(params, draws, s);
    return { code: s.phi.slice(1).map((phi) => Uint8Array.from(phi)), pixelProbabilities: Float32Array.from(s.dp[0]) };
  });
}

/**
 * Digits sampled from the generative model (docs/math.md §3): φ_L ~ p_L = Bernoulli(σ(c_L)), then
 * φ_m ~ p_m(.|φ_{m+1}) for m = L−1..1, and the pixel probabilities P(x = 1 | φ_1) of p_0 (the
 * pixels are not sampled: their probabilities are the clearer picture). Sample k uses the
 * uniforms of stream VAE_PRIOR_SAMPLE_STREAM + m with `seed`, step `first + k`, index = unit.
 * @throws Error for a negative or non-integer count
 */
export function samplePriorDigits(params: VaeParams, count: number, seed: number, first = 0): VaeDigit[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  const { sizes } = params;
  const L = params.shape.layers;
  const s = new PassState(sizes);
  const out: VaeDigit[] = [];
  for (let k = 0; k < count; k++) {
    for (let m = L; m >= 1; m--) {
      decoderLayer(params, m, s); // logits and probabilities of p_m given φ_{m+1} (the prior at m = L)
      const key = streamKey(seed, first + k, VAE_PRIOR_SAMPLE_STREAM + m);
      const p = s.dp[m];
      const phi = s.phi[m];
      for (let i = 0; i < sizes[m]; i++) phi[i] = uniform(key, i) < p[i] ? 1 : 0;
      s.index(m);
    }
    decoderLayer(params, 0, s);
    out.push({ code: s.phi.slice(1).map((phi) => Uint8Array.from(phi)), pixelProbabilities: Float32Array.from(s.dp[0]) });
  }
  return out;
}

/**
 * The playground's views of one run (TrainingEngine viewVae): reconstructions of `images` and
 * `samples` digits from the prior, after checking the request; shared by the CPU and WebGPU
 * engines (the WebGPU one passes its read-back parameters).
 * @param images each a 0/1 image, [params.sizes[0]]
 * @throws EngineError('config') for an image of the wrong size or a negative or fractional `samples`
 */
export function vaeViews(params: VaeParams, images: readonly Uint8Array[], samples: number, seed: number): VaeViews {
  const pixels = params.sizes[0];
  for (const image of images) if (image.length !== pixels) throw new EngineError(`viewVae needs images of ${pixels} pixels, got ${image.length}`, 'config');
  if (!Number.isInteger(samples) || samples < 0) throw new EngineError(`viewVae: samples must be a non-negative integer, got ${samples}`, 'config');
  return { reconstructions: reconstructDigits(params, images, seed), samples: samplePriorDigits(params, samples, seed) };
}

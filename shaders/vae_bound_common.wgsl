// Shared declarations of the importance-weighted bound's kernels (docs/math.md §3 test metric),
// prepended with rng.wgsl. They also declare what the reused kernels affine_logits.wgsl and
// binarize_minibatch.wgsl read, so those run unchanged for the bound: one run, one seed group.
// Buffer layouts (src/backends/webgpu/vaeBound/bound.ts allocates them):
//   parameters  the CPU layout (src/models/vae/params.ts tensorSizes order) as one f32 array:
//               W_k input-major followed directly by b_k, so [W_k; b_k] is one (in + 1) × out matrix
//   pixels      [image of the chunk, pixel] 0/1 as f32 (binarize_minibatch, gather = 0)
//   rows        a chunk's (image, sample) pairs, row = image * samples + sample: samples [row, unit],
//               logits [row, unit], logWeight [row]
//   logMeanExp  [test image]: log (1/K) Σ_k w_k once its last sample chunk is done

/** Per-chunk values (two instances per chunk: `batch` = the chunk's images or its rows). */
struct StepParams {
  /** rows of this dispatch: images (layer-1 logits, binarization) or (image, sample) pairs */
  batch: u32,
  /** binarize_minibatch: the chunk's first test image (gather = 0: image exampleOffset + b) */
  exampleOffset: u32,
  /** always 0 here: binarize_minibatch reads images in order, not through a permutation */
  gather: u32,
  cursor: u32,
  permStride: u32,
  /** test binarization key: streamKey(seed, evaluation, STREAM_BINARIZE_TEST) */
  binarizeStep: u32,
  binarizeStream: u32,
  /** the run's seed and the evaluation number e: sample k draws from step (e << 20) + k */
  seed: u32,
  evaluation: u32,
  /** the chunk: test images firstImage .. firstImage + images, samples firstSample .. firstSample + samples */
  firstImage: u32,
  images: u32,
  firstSample: u32,
  samples: u32,
  /** K, samples per image in all */
  totalSamples: u32,
  /** log K (nats), rounded from float64 */
  logK: f32,
}

/** One weight matrix (or the prior's bias) of the bound's pass. */
struct LayerParams {
  /** encoder layer l = 1..L (stream vaeBase + 64 + l); decoder term m for the log-probability kernel */
  layer: u32,
  inWidth: u32,
  outWidth: u32,
  /** offset of W_k in the parameter array; b_k starts at paramOffset + inWidth * outWidth */
  paramOffset: u32,
  paramsPerRun: u32,
  capacity: u32,
  /** affine_logits: 1 reads the group's pixels (layer 1); encoder sampling: 1 = logits per image */
  inputIsPixels: u32,
  /** always 0: the VAE's units pass on 0/1 values */
  centered: u32,
  /** decoder log-probability: 1 = the target is the chunk's pixels (m = 0), 0 = a sampled layer */
  targetIsPixels: u32,
  /** always 0: no categorical units here (affine_tile.wgsl reads it with the bandit's layout) */
  categories: u32,
}

/** The bound's one run (affine_logits reads its seed group). */
struct RunState {
  group: u32,
}

/** An input value as the layer sees it (0/1 inputs pass unchanged; affine_logits.wgsl). `categories` is always 0 here. */
fn inputValue(raw: f32, inputIsPixels: u32, centered: u32, categories: u32) -> f32 {
  if (inputIsPixels == 0u && centered == 1u) {
    return 2.0 * raw - 1.0;
  }
  return raw;
}

/** The row of a 1-D grid of one workgroup per row, folded past the per-dimension limit (runtime/limits.ts foldedGrid). */
fn foldedRow(wid: vec3u, groups: vec3u) -> u32 {
  return wid.y * groups.x + wid.x;
}

// Declarations every kernel of the catalog shares (src/backends/webgpu/kernels/catalog.ts
// composes it after rng.wgsl): StepParams, the one LayerParams, RunState, how a layer sees its
// inputs, and the grid decoding of the 1-D kernels. The catalog also generates, ahead of every
// kernel, WORKGROUP_SIZE (the kernel's invocations along x; TILE and DEPTH of the tiled ones), the
// constants shared with TypeScript (STREAM_*, SIGNAL_*, MAX_ACTIONS, MAX_CATEGORIES:
// kernels/constants.ts) and the kernel's binding declarations (group 0).
//
// Buffer layouts of the bandit and the VAE (src/backends/webgpu/rewardBuffers.ts, bandit/buffers.ts,
// vae/layout.ts allocate them):
//   activations   [(run * capacity + example) * width + unit]
//   input pixels  [(group * capacity + example) * pixels + pixel], 0/1 as f32; a group is the
//                 set of runs with one seed (they share minibatches and binarization)
//   parameters    [run * paramsPerRun + offset]: per weight matrix k, W_k input-major
//                 (W[j * out + i]) followed directly by its bias b_k (out values), so
//                 [W_k; b_k] is one (in + 1) × out matrix whose last row meets an input of 1.
// Of the VAE's importance-weighted bound (docs/math.md §3 test metric; vaeBound/bound.ts), which
// reuses binarize_minibatch and affine_logits on one run, one seed group:
//   parameters    the CPU layout (src/models/vae/params.ts tensorSizes order) as one f32 array,
//                 [W_k; b_k] as above
//   pixels        [image of the chunk, pixel] 0/1 as f32 (binarize_minibatch, gather = 0)
//   rows          a chunk's (image, sample) pairs, row = image * samples + sample: samples
//                 [row, unit], logits [row, unit], logWeight [row]
//   logMeanExp    [test image]: log (1/K) Σ_k w_k once its last sample chunk is done

/**
 * Per-update (or per-evaluation-chunk) values, one 256-byte slot each at a dynamic offset; the
 * VAE bound's chunks fill the fields after oneMinusBeta2 (and batch, exampleOffset, gather,
 * binarizeStep, binarizeStream), two whole buffers per chunk (`batch` = its images or its rows).
 */
struct StepParams {
  batch: u32,
  /** RNG step of the sampling streams: update number t, or evaluation number e */
  keyStep: u32,
  hiddenStream: u32,
  actionStream: u32,
  /** stream index of example 0 (evaluation: the chunk's first test image) */
  exampleOffset: u32,
  /** 1: images are permutation[group][cursor + b]; 0: image exampleOffset + b */
  gather: u32,
  cursor: u32,
  /** images per group in the permutation buffer */
  permStride: u32,
  /** binarization key: streamKey(seed, binarizeStep, binarizeStream) */
  binarizeStep: u32,
  binarizeStream: u32,
  optimizer: u32,
  /** global update number (failure reports) */
  update: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  /** Adam bias corrections 1/(1-beta1^t), 1/(1-beta2^t), computed in float64 on the CPU */
  c1: f32,
  c2: f32,
  /** 1 - beta1 and 1 - beta2 rounded from float64 (1 - 0.999 in float32 is off by 1.3e-5) */
  oneMinusBeta1: f32,
  oneMinusBeta2: f32,  // the VAE bound's chunk (docs/math.md §3 test metric; 0 elsewhere)
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

/**
 * Static values of one weight matrix k (inputs → units) or one dispatch of a layer, for every
 * program; a program leaves the fields it does not use at 0.
 */
struct LayerParams {
  /** the layer's index: weight matrix k (bandit), encoder layer l or decoder term m (VAE bound) */
  layer: u32,
  inWidth: u32,
  outWidth: u32,
  /** offset of W_k in a run's parameter block; b_k starts at paramOffset + inWidth * outWidth */
  paramOffset: u32,
  paramsPerRun: u32,
  capacity: u32,
  /**
   * 1: the input is the group's pixel buffer (0/1); 0: the previous layer's samples of the run.
   * The bound's encoder sampling: 1 = layer 1's logits are per image, not per row.
   */
  inputIsPixels: u32,
  /** 1: hidden samples pass on 2φ-1; 0: φ (always 0 in the VAE) */
  centered: u32,
  /** 2 for ±1 values, 1 for 0/1: the size of a parent's flip */
  flipMagnitude: f32,
  runs: u32,
  layers: u32,
  metricStride: u32,
  /** N of the hidden layers' categorical units (docs/math.md §7.1); 0 for Bernoulli units */
  categories: u32,
  /** the bound's decoder log-probability: 1 = the target is the chunk's pixels (m = 0), 0 = a sampled layer */
  targetIsPixels: u32,
}

/**
 * Per-run state; training kernels read it, baseline_and_counters writes it. The VAE bound binds
 * one run of zeros (seed group 0) for the reused affine_logits.
 */
struct RunState {
  seed: u32,
  group: u32,
  hnca: u32,
  useBaseline: u32,
  /** 1 while every value stayed finite */
  finite: u32,
  /** update number (1-based, per run) at which the run went non-finite */
  failedUpdate: u32,
  baseline: f32,
  pad: u32,
}

/**
 * An input value of example row `row` (already offset) as the layer sees it: pixels as they
 * are; Bernoulli samples φ as 2φ − 1 (centered) or φ; the one-hot entries of categorical units
 * with N = `categories` values centered, e_φ − 1/N (docs/math.md §7.1).
 */
fn inputValue(raw: f32, inputIsPixels: u32, centered: u32, categories: u32) -> f32 {
  if (inputIsPixels == 0u && categories > 0u) {
    return raw - 1.0 / f32(categories);
  }
  if (inputIsPixels == 0u && centered == 1u) {
    return 2.0 * raw - 1.0;
  }
  return raw;
}

fn isFiniteF32(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

/**
 * The flat invocation index of a 1-D dispatch whose workgroups fold into x × y past the
 * per-dimension limit (runtime/limits.ts foldedGrid): (id.y · groups.x) · WORKGROUP_SIZE + id.x.
 * The folded grid may overshoot: bounds-check the result.
 */
fn flatIndex(id: vec3u, groups: vec3u) -> u32 {
  return id.y * groups.x * WORKGROUP_SIZE + id.x;
}

/** The row of a 1-D grid of one workgroup per row, folded past the per-dimension limit (runtime/limits.ts foldedGrid). */
fn foldedRow(wid: vec3u, groups: vec3u) -> u32 {
  return wid.y * groups.x + wid.x;
}

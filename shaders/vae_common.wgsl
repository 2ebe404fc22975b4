// Shared declarations of the VAE kernels (docs/math.md §3), prepended after rng.wgsl and
// common.wgsl (whose StepParams, LayerParams and RunState the reused unit kernels read).
// Buffer layouts (src/backends/webgpu/vae/layout.ts plans them):
//   logits, samples, signals: one buffer each, a 256-byte-aligned region per layer and pass,
//     [(run * capacity + example) * width + unit] within a region
//   terms [((pass * runs + run) * capacity + example) * termStride + slot]: per pass (0 = the
//     main pass, f = the partial pass from layer f) Ent_l at slot l (l = 1..L) and Dec_m at
//     slot L + 1 + m (m = 0..L; Dec_L is the log prior)
//   targets [(run * capacity + example) * (L + 1) + l]: the value whose batch mean updates b_l

/** Per-run VAE state: the estimator's switches and the per-layer baselines. */
struct VaeRunState {
  /** SIGNAL_FHNCA, SIGNAL_SCORE_FUNCTION (REINFORCE), SIGNAL_LEAVE_ONE_OUT or SIGNAL_DISARM
   * (generated from VAE_SIGNAL_CODE, src/backends/webgpu/kernels/constants.ts) */
  signal: u32,
  useBaseline: u32,
  /** appendix-K switches (docs/math.md §7.3) */
  allChildren: u32,
  fullReward: u32,
  /** seed group of the run (its row of the pixel buffer) */
  group: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  /** b_l at index l = 1..5 (index 0 unused) */
  baselines: array<f32, 8>,
}

/** Static values of one VAE dispatch (encoder layer l, decoder term m, or pass f). */
struct VaeLayer {
  /** encoder layer l (1..L), or decoder term m for the log-likelihood sums */
  l: u32,
  layers: u32,
  runs: u32,
  capacity: u32,
  /** units of the layer this dispatch covers */
  width: u32,
  /** units of layer l - 1 (the decoder's children below) and l + 1 (0 at the top) */
  below: u32,
  above: u32,
  pixels: u32,
  paramsPerRun: u32,
  /** parameter offsets of D_{l-1} (children below) and W_{l+1} (children above) in a run's block */
  decoderOffset: u32,
  encoderOffset: u32,
  termStride: u32,
  /** slot this dispatch writes (sum kernels) and its pass */
  termSlot: u32,
  passIndex: u32,
  /** 1: also write the logits' gradient φ - σ(v) (the decoder of the main pass) */
  gradient: u32,
  /** 1: the targets / values below are the group's pixels */
  targetIsPixels: u32,
  /** element offsets (f32) of regions in the logits and samples buffers */
  uAt: u32,
  phiAt: u32,
  vAt: u32,
  belowVAt: u32,
  belowPhiAt: u32,
  aboveUAt: u32,
  abovePhiAt: u32,
  metricStride: u32,
}

/** Index of slot `slot` of example b of run r in pass `pass` of the terms buffer. */
fn termIndex(vl: VaeLayer, passIndex: u32, r: u32, b: u32, slot: u32) -> u32 {
  return ((passIndex * vl.runs + r) * vl.capacity + b) * vl.termStride + slot;
}

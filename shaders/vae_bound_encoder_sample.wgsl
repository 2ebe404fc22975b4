// Samples encoder layer l of every (image, sample) row of a chunk and adds −log q_l(φ_l | φ_{l−1})
// to the row's log importance weight (docs/math.md §3 test metric; src/models/vae/bound.ts
// logImportanceWeight, forward.ts encoderLayer / sampleLayer / encoderLogProb):
//   p_i = clip(σ(u_i)), φ_i = [uniform < p_i] with the uniform of
//   streamKey(seed, (e << 20) + k, vaeBase + 64 + l) at index image · width + i (draws.ts EvalDraws),
//   −log q = Σ_i childSurprise(−(2φ_i − 1) u_i)  (the clipped Bernoulli's surprise of its sample).
// Layer 1's logits depend on the image only (one row per image: layer.inputIsPixels = 1).
// Grid: one workgroup of WORKGROUP_SIZE per row (folded into y past the per-dimension limit).
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   logits     [image of the chunk, unit] (layer 1) or [row, unit]
//   samples    [row, unit] 0/1 as f32
//   logWeight  [row] log p(x, φ) − log q(φ | x), accumulated layer by layer

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = foldedRow(wid, groups);
  if (row >= step.batch) {
    return;
  }
  let width = layer.outWidth;
  let n = row / step.samples;
  let k = step.firstSample + row % step.samples;
  var logitRow = row;
  if (layer.inputIsPixels == 1u) {
    logitRow = n;
  }
  let key = streamKey(step.seed, (step.evaluation << 20u) + k, STREAM_VAE_BOUND_BASE + layer.layer);
  let drawBase = (step.firstImage + n) * width;
  var surprise = 0.0;
  for (var i = lid.x; i < width; i += WORKGROUP_SIZE) {
    let u = logits[logitRow * width + i];
    let phi = sampleBernoulli(clippedSigmoid(u), uniform01(key, drawBase + i));
    samples[row * width + i] = phi;
    surprise += childSurprise(-(2.0 * phi - 1.0) * u);
  }
  let total = rowSum(lid.x, surprise);
  if (lid.x == 0u) {
    logWeight[row] += total;
  }
}

// The K-sample importance-weighted bound of each image of a chunk (docs/math.md §3 test metric;
// src/models/vae/bound.ts importanceBound): log (1/K) Σ_k exp(logWeight_k), in the log domain.
// A chunk holds samples firstSample .. firstSample + samples of its images: their log-sum-exp
// (max + log Σ exp(w − max)) is merged into the image's running value (logaddexp); after the
// image's last sample chunk, log K is subtracted. Grid: one workgroup per image of the chunk.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   logWeight   [row] log importance weights, row = image of the chunk · samples + sample
//   logMeanExp  [test image] running log Σ_k w_k, then log (1/K) Σ_k w_k

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let n = foldedRow(wid, groups);
  if (n >= step.images) {
    return;
  }
  let first = n * step.samples;
  var localMax = -3.4028234663852886e38;
  for (var s = lid.x; s < step.samples; s += WORKGROUP_SIZE) {
    localMax = max(localMax, logWeight[first + s]);
  }
  let m = rowMax(lid.x, localMax);
  var sum = 0.0;
  for (var s = lid.x; s < step.samples; s += WORKGROUP_SIZE) {
    sum += exp(logWeight[first + s] - m);
  }
  let total = rowSum(lid.x, sum);
  if (lid.x == 0u) {
    let image = step.firstImage + n;
    var lse = m + log(total);
    if (step.firstSample > 0u) {
      let before = logMeanExp[image];
      lse = max(before, lse) + log1pPrecise(exp(-abs(before - lse)));
    }
    if (step.firstSample + step.samples == step.totalSamples) {
      lse -= step.logK;
    }
    logMeanExp[image] = lse;
  }
}

// End of a VAE update, one invocation per run (docs/math.md §3, §4): the batch's ELBO sum
// (Σ Ent_l + Σ Dec_m of the main pass), the encoder-gradient variance per layer (variance sum /
// the layer's parameter count) and overall (Σ layers / all encoder parameters), the finiteness
// check (a non-finite update marks the run and is not counted; adam_ascent skips it), the metric
// window, and per layer b_l <- 0.99 b_l + 0.01 mean(target_l) for baseline runs.
// Metric window, per run (stride vl.metricStride): [0] updates, [1] examples, [2] ELBO sum,
// [3] Σ mean variance, [4 + k] Σ layer k+1's mean variance. Grid: x = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   variance  [run * L + l - 1] from gradient_variance

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u) {
  let r = wid.x;
  if (r >= vl.runs || runs[r].finite == 0u) {
    return;
  }
  let L = vl.layers;
  var elbo = 0.0;
  for (var b = 0u; b < step.batch; b++) {
    for (var s = 1u; s <= 2u * L + 1u; s++) {
      elbo += terms[termIndex(vl, 0u, r, b, s)];
    }
  }
  var total = 0.0;
  var count = 0.0;
  var check = elbo;
  let m = r * vl.metricStride;
  for (var l = 1u; l <= L; l++) {
    var inputs = vl.width;
    if (l == 1u) {
      inputs = vl.pixels;
    }
    let n = f32((inputs + 1u) * vl.width);
    let v = max(0.0, variance[r * L + l - 1u]);
    check += variance[r * L + l - 1u];
    total += v;
    count += n;
  }
  if (!isFiniteF32(check)) {
    runs[r].finite = 0u;
    runs[r].failedUpdate = step.update + 1u;
    return;
  }
  for (var l = 1u; l <= L; l++) {
    var inputs = vl.width;
    if (l == 1u) {
      inputs = vl.pixels;
    }
    metrics[m + 3u + l] += max(0.0, variance[r * L + l - 1u]) / f32((inputs + 1u) * vl.width);
  }
  metrics[m] += 1.0;
  metrics[m + 1u] += f32(step.batch);
  metrics[m + 2u] += elbo;
  metrics[m + 3u] += total / count;
  if (vaeRuns[r].useBaseline == 1u) {
    for (var l = 1u; l <= L; l++) {
      var sum = 0.0;
      for (var b = 0u; b < step.batch; b++) {
        sum += targets[(r * vl.capacity + b) * (L + 1u) + l];
      }
      vaeRuns[r].baselines[l] = runningMeanBaseline(vaeRuns[r].baselines[l], sum / f32(step.batch));
    }
  }
}

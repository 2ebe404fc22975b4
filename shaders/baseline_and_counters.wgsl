// End of an update, one workgroup per run: the batch's reward sum, the variance metric
// (per layer: variance sum / the layer's parameter count; overall: Σ layers / all parameters),
// the metric window, the finiteness check, and bbar <- 0.99 bbar + 0.01 mean(r). Includes
// workgroup_sum.wgsl (the reward sum).
// Metric window layout, per run (stride layer.metricStride floats):
//   [0] updates, [1] examples, [2] reward sum, [3] Σ mean variance, [4 + k] Σ layer k's mean variance
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   layerSizes  parameters of each layer, then the total

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.x;
  let t = lid.x;
  var sum = 0.0;
  for (var b = t; b < step.batch; b += WORKGROUP_SIZE) {
    sum += rewards[r * layer.capacity + b].x;
  }
  let rewardSum = workgroupSum(t, sum);
  if (t != 0u || runs[r].finite == 0u) {
    return;
  }
  let m = r * layer.metricStride;
  var total = 0.0;
  for (var k = 0u; k < layer.layers; k++) {
    let v = variance[r * layer.layers + k];
    total += v;
    metrics[m + 4u + k] += v / layerSizes[k];
  }
  metrics[m + 3u] += total / layerSizes[layer.layers];
  metrics[m] += 1.0;
  metrics[m + 1u] += f32(step.batch);
  metrics[m + 2u] += rewardSum;
  if (!isFiniteF32(total)) {
    runs[r].finite = 0u;
    runs[r].failedUpdate = step.update + 1u;
  }
  if (runs[r].useBaseline == 1u) {
    runs[r].baseline = runningMeanBaseline(runs[r].baseline, rewardSum / f32(step.batch));
  }
}

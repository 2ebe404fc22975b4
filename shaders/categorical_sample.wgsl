// Categorical units (docs/math.md §7.1): per unit i of example b, pi_i = softmax of its N logits,
// φ_i drawn by inverse CDF with the uniform of streamKey(seed, keyStep, hiddenStream + layer) at
// index (exampleOffset + b) * units + i (the CPU engine's categoricalForwardBatch), and the
// one-hot output e_φ written as 0/1 samples [U·N] (what the next layer and the gradients read).
// layer = the hidden layer's own matrix (outWidth = U·N, categories = N).
// Grid: x × y = (examples × units) / WORKGROUP_SIZE (folded into y past the workgroup limit), z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   samples  one-hot outputs, 0/1 as f32

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let n = layer.categories;
  let units = layer.outWidth / n;
  // over (example, unit)
  let e = flatIndex(id, groups);
  if (e >= step.batch * units) {
    return;
  }
  let at = r * layer.capacity * layer.outWidth + e * n;
  var z: Categories;
  for (var k = 0u; k < n; k++) {
    z[k] = logits[at + k];
  }
  var pi: Categories;
  categoricalSoftmax(&z, n, &pi);
  let key = streamKey(runs[r].seed, step.keyStep, step.hiddenStream + layer.layer);
  let phi = sampleCategorical(&pi, n, uniform01(key, step.exampleOffset * units + e));
  for (var k = 0u; k < n; k++) {
    probs[at + k] = pi[k];
    samples[at + k] = select(0.0, 1.0, k == phi);
  }
}

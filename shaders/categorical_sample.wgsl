// Categorical units (docs/math.md §7.1): per unit i of example b, pi_i = softmax of its N logits,
// φ_i drawn by inverse CDF with the uniform of streamKey(seed, keyStep, hiddenStream + layer) at
// index (exampleOffset + b) * units + i (the CPU engine's categoricalForwardBatch), and the
// one-hot output e_φ written as 0/1 samples [U·N] (what the next layer and the gradients read).
// layer = the hidden layer's own matrix (outWidth = U·N, categories = N).
// Grid: x × y = (examples × units) / 64 (folded into y past the workgroup limit), z = run.

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read_write> probs: array<f32>;
/** one-hot outputs, 0/1 as f32 */
@group(0) @binding(5) var<storage, read_write> samples: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let n = layer.categories;
  let units = layer.outWidth / n;
  // flat index over (example, unit): folded into y past the workgroup limit (runtime/limits.ts foldedGrid)
  let e = id.y * groups.x * 64u + id.x;
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

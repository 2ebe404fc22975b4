// Bernoulli units: p = clip(sigmoid(u), 1e-5, 1 - 1e-5), φ = [uniform < p] with the uniform of
// streamKey(seed, keyStep, hiddenStream + layer) at index (exampleOffset + b) * width + i.
// Grid: x × y = (examples × units) / WORKGROUP_SIZE (folded into y past the workgroup limit), z = run.
// The VAE program's sampling after affine_logits (the bandit samples in affine_bernoulli_sample's epilogue).
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   samples  0/1 as f32

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let width = layer.outWidth;
  let e = flatIndex(id, groups);
  if (e >= step.batch * width) {
    return;
  }
  let at = r * layer.capacity * width + e;
  let p = clippedSigmoid(logits[at]);
  probs[at] = p;
  let key = streamKey(runs[r].seed, step.keyStep, step.hiddenStream + layer.layer);
  samples[at] = sampleBernoulli(p, uniform01(key, step.exampleOffset * width + e));
}

// DisARM's antithetic pair of an encoder layer (docs/math.md §3), for the runs whose estimator is
// DisARM: one uniform u per unit (the main pass's stream, as bernoulli_sample.wgsl draws it),
// p = clippedSigmoid(u_l), main sample φ = [1 - u < p] and antithetic φ~ = [u < p]. Other runs
// are left alone. Grid: x × y = (examples × units) / WORKGROUP_SIZE (folded past the workgroup limit), z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   samples  0/1 as f32: the main pass's layer and the partial pass's first layer

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let width = layer.outWidth;
  let e = flatIndex(id, groups);
  if (e >= step.batch * width || vaeRuns[r].signal != SIGNAL_DISARM) {
    return;
  }
  let at = r * layer.capacity * width + e;
  let p = clippedSigmoid(logits[at]);
  let u = uniform01(streamKey(runs[r].seed, step.keyStep, step.hiddenStream + layer.layer), step.exampleOffset * width + e);
  samples[at] = sampleBernoulli(p, 1.0 - u);
  antithetic[at] = sampleBernoulli(p, u);
}

// Ent_l = Σ_i H(q_l(φ_{l,i} | φ_{l-1})) (nats) of every example (docs/math.md §3): the entropy of an
// encoder layer's clipped Bernoulli units, from their logits u (σ(clamp(u))), into slot
// vl.termSlot of pass vl.passIndex. Grid: x = examples / WORKGROUP_SIZE, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   logits  the layer's region: [(run * capacity + example) * width + unit]

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let r = id.z;
  let b = id.x;
  if (b >= step.batch) {
    return;
  }
  let base = (r * vl.capacity + b) * vl.width;
  var h = 0.0;
  for (var i = 0u; i < vl.width; i++) {
    h += bernoulliEntropy(clampLogit(logits[base + i]));
  }
  terms[termIndex(vl, vl.passIndex, r, b, vl.termSlot)] = h;
}

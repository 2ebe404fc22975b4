// Logits of a layer for every run and example: z[b, i] = Σ_j x[b, j] W[j, i] + bias[i], tiled
// (affine_tile.wgsl). The bandit's output layer (its hidden Bernoulli layers use
// affine_bernoulli_sample.wgsl, the same product with sampling in its epilogue), and every
// layer of the VAE program and of the importance-weighted bound (which sample in kernels of their own).
// Grid: x = units / TILE, y = examples / TILE, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   inputs  the group's pixels (layer 0) or the previous layer's samples of the run

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let acc = affineTile(lid, wid);
  let i = wid.x * TILE + lid.x;
  let b = wid.y * TILE + lid.y;
  if (b < step.batch && i < layer.outWidth) {
    logits[(wid.z * layer.capacity + b) * layer.outWidth + i] = acc;
  }
}

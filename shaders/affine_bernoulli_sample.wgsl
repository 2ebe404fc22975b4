// A hidden layer of Bernoulli units in one pass (docs/math.md §2): the logits u = x W + b of the
// tiled product (affine_tile.wgsl), and in its epilogue, with u still in a register,
// p = clip(sigmoid(u), 1e-5, 1 - 1e-5) and φ = [uniform < p], the uniform of
// streamKey(seed, keyStep, hiddenStream + layer) at index (exampleOffset + b) * width + i
// (formerly a dispatch of its own).
// Grid: x = units / TILE, y = examples / TILE, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   inputs   the group's pixels (layer 0) or the previous layer's samples of the run
//   samples  0/1 as f32

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let u = affineTile(lid, wid);
  let r = wid.z;
  let i = wid.x * TILE + lid.x;
  let b = wid.y * TILE + lid.y;
  let width = layer.outWidth;
  if (b < step.batch && i < width) {
    let at = (r * layer.capacity + b) * width + i;
    logits[at] = u;
    let p = clippedSigmoid(u);
    probs[at] = p;
    let key = streamKey(runs[r].seed, step.keyStep, step.hiddenStream + layer.layer);
    samples[at] = sampleBernoulli(p, uniform01(key, step.exampleOffset * width + b * width + i));
  }
}

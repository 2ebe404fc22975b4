// Adds the decoder term log p_m(φ_m | φ_{m+1}) of every (image, sample) row of a chunk to the
// row's log importance weight (docs/math.md §3; src/models/vae/forward.ts decoderLayer):
//   log p = −Σ_i softplus(−(2t_i − 1) v_i), t the target (the pixels for m = 0, else the sampled
//   layer m), v the decoder's logits; the prior (m = L, layer.inWidth = 0) has v = its bias c_L.
// Decoder probabilities are not clipped (as on the CPU engine; docs/math.md §4 says why).
// Grid: one workgroup of WORKGROUP_SIZE per row (folded into y past the per-dimension limit).
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   params     the parameters in the CPU layout (the prior's bias is read from here)
//   logits     [row, unit] the decoder's logits (unused for the prior)
//   targets    [image of the chunk, pixel] (m = 0) or [row, unit] the sampled layer m, 0/1 as f32
//   logWeight  [row] log p(x, φ) − log q(φ | x), accumulated term by term

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = foldedRow(wid, groups);
  if (row >= step.batch) {
    return;
  }
  let width = layer.outWidth;
  var targetRow = row;
  if (layer.targetIsPixels == 1u) {
    targetRow = row / step.samples;
  }
  var negLogProb = 0.0;
  for (var i = lid.x; i < width; i += WORKGROUP_SIZE) {
    var v: f32;
    if (layer.inWidth == 0u) {
      v = params[layer.paramOffset + i];
    } else {
      v = logits[row * width + i];
    }
    let t = targets[targetRow * width + i];
    negLogProb += softplus(-(2.0 * t - 1.0) * v);
  }
  let total = rowSum(lid.x, negLogProb);
  if (lid.x == 0u) {
    logWeight[row] -= total;
  }
}

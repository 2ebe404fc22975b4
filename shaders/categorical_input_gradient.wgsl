// Batch-mean gradient of a layer fed by categorical units (docs/math.md §7.1), by their one-hot
// values: its input x = e_φ − 1/N per parent unit, so for parent unit i, value v and child logit c
//   g[(i, v), c] = (1/B) Σ_b S[b, c] (1[φ_bi = v] − 1/N) = (A_v − T / N) / B,
// with A_v = Σ_{b: φ_bi = v} S[b, c] and T = Σ_b S[b, c] (the bias row's g[in, c] = T / B).
// One pass over the batch per (i, c) gives all N rows: N times fewer terms than the dense product
// of weight_gradient.wgsl (what the CPU engine's gradients do with the one-hot inputs, too).
// layer = the layer's matrix (inWidth = U·N parents, outWidth = its logits, categories = N).
// A workgroup stages φ of WORKGROUP_SIZE examples (one per invocation) of its parent unit per barrier.
// Grid: x = outWidth / WORKGROUP_SIZE, y = parent units, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   inputs  the parent layer's one-hot samples of the run [capacity × U·N]

/** value index φ of parent unit wid.y in example t*WORKGROUP_SIZE + k */
var<workgroup> phiTile: array<u32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let i = wid.y;
  let c = wid.x * WORKGROUP_SIZE + lid.x;
  let n = layer.categories;
  let inW = layer.inWidth;
  let outW = layer.outWidth;
  var byValue: Categories;
  for (var v = 0u; v < n; v++) {
    byValue[v] = 0.0;
  }
  var total = 0.0;
  let stages = (step.batch + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
  for (var t = 0u; t < stages; t++) {
    let count = min(WORKGROUP_SIZE, step.batch - t * WORKGROUP_SIZE);
    if (lid.x < count) {
      let at = (r * layer.capacity + t * WORKGROUP_SIZE + lid.x) * inW + i * n;
      var phi = 0u;
      for (var k = 0u; k < n; k++) {
        if (inputs[at + k] == 1.0) {
          phi = k;
        }
      }
      phiTile[lid.x] = phi;
    }
    workgroupBarrier();
    if (c < outW) {
      for (var k = 0u; k < count; k++) {
        let s = signals[(r * layer.capacity + t * WORKGROUP_SIZE + k) * outW + c];
        byValue[phiTile[k]] += s;
        total += s;
      }
    }
    // the next stage overwrites phiTile: wait until every invocation has read it (after the last, nothing does)
    if (t + 1u < stages) {
      workgroupBarrier();
    }
  }
  if (c >= outW) {
    return;
  }
  let batch = f32(step.batch);
  let base = r * layer.paramsPerRun + layer.paramOffset;
  let centering = total / f32(n);
  for (var v = 0u; v < n; v++) {
    grads[base + (i * n + v) * outW + c] = (byValue[v] - centering) / batch;
  }
  if (i == 0u) {
    grads[base + inW * outW + c] = total / batch;
  }
}

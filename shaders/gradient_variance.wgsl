// Σ over a layer's parameters of the batch variance of the per-example estimates (docs/math.md §4),
// by shifted sums (the float32 twin of src/engine/gradientVariance.ts): the per-example gradient
// is g_b = x̃_b s_bᵀ (x̃_b = [x_b; 1]); shifted by the first example's, K = g_0,
//   Σ Var = (1/B) Σ_b ‖g_b − K‖² − ‖gbar − K‖²,
//   ‖g_b − K‖² = ‖Δx‖²‖s_b‖² + ‖x̃_0‖²‖Δs‖² + 2 (Δx·x̃_0)(s_b·Δs)   (Δx = x̃_b − x̃_0, Δs = s_b − s_0),
// so that both terms are of the order of the gradients' spread, not of their mean: no
// catastrophic cancellation for gradients of a large mean and a small spread, and exactly 0 at
// batch 1 (never the rounding noise of E[g²] − E[g]²). A rounding difference below 0 reads as 0.
// One workgroup of 256 per run (z), one dispatch per layer; writes variance[run * layers + layer].
// Layouts: grads [run * paramsPerRun + paramOffset + j * outW + i], the bias at row j = inW.
// Includes workgroup_sum.wgsl.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let t = lid.x;
  let inW = layer.inWidth;
  let outW = layer.outWidth;
  var row = r;
  if (layer.inputIsPixels == 1u) {
    row = runs[r].group;
  }
  let x0Base = row * layer.capacity * inW;
  let s0Base = r * layer.capacity * outW;
  // ‖x̃_0‖² (the bias input counts 1)
  var x0x0 = 1.0;
  for (var j = 0u; j < inW; j++) {
    let x0 = inputValue(inputs[x0Base + j], layer.inputIsPixels, layer.centered, layer.categories);
    x0x0 += x0 * x0;
  }
  var shifted = 0.0;
  for (var b = t; b < step.batch; b += WORKGROUP_SIZE) {
    var dxx = 0.0;
    var dxX0 = 0.0;
    for (var j = 0u; j < inW; j++) {
      let x0 = inputValue(inputs[x0Base + j], layer.inputIsPixels, layer.centered, layer.categories);
      let d = inputValue(inputs[(row * layer.capacity + b) * inW + j], layer.inputIsPixels, layer.centered, layer.categories) - x0;
      dxx += d * d;
      dxX0 += d * x0;
    }
    var ss = 0.0;
    var dss = 0.0;
    var sds = 0.0;
    for (var i = 0u; i < outW; i++) {
      let s = signals[(r * layer.capacity + b) * outW + i];
      let d = s - signals[s0Base + i];
      ss += s * s;
      dss += d * d;
      sds += s * d;
    }
    shifted += dxx * ss + x0x0 * dss + 2.0 * dxX0 * sds;
  }
  // ‖gbar − K‖², K[j, i] = x̃_0j s_0i: one parameter row (input j, the bias row last) per thread
  var offset = 0.0;
  let base = r * layer.paramsPerRun + layer.paramOffset;
  for (var j = t; j <= inW; j += WORKGROUP_SIZE) {
    var x0 = 1.0;
    if (j < inW) {
      x0 = inputValue(inputs[x0Base + j], layer.inputIsPixels, layer.centered, layer.categories);
    }
    let rowBase = base + j * outW;
    for (var i = 0u; i < outW; i++) {
      let d = grads[rowBase + i] - x0 * signals[s0Base + i];
      offset += d * d;
    }
  }
  let sum = workgroupSum(t, shifted / f32(step.batch) - offset);
  if (t == 0u) {
    var v = max(0.0, sum);
    if (step.batch <= 1u) {
      v = 0.0;
    }
    variance[r * layer.layers + layer.layer] = v;
  }
}

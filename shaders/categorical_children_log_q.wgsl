// HNCA's counterfactual log Q of a categorical layer whose children are the next categorical
// layer (docs/math.md §7.1). Forcing unit i of example b from φ_i to v adds the column change
// Delta_c(v) = W[(i, v), c·] - W[(i, φ_i), c·] to child c's N logits z_c, so
//   log Q_i(v) - log Q_i(φ_i) = Σ_c [(z_c + Delta_c(v))[φ_c] - z_c[φ_c]
//                                    - (logsumexp(z_c + Delta_c(v)) - logsumexp(z_c))],
// each logsumexp shifted by its maximum: finite for any finite weights. Writes that difference
// per value v (0 at v = φ_i) into logQ [U·N]; categorical_credit turns it into the posterior.
// layer = the child weight matrix (inWidth = U·N parents, outWidth = U'·N children, categories = N).
// Grid: x × y = (examples × parent units) / WORKGROUP_SIZE (folded into y past the workgroup limit), z = run (REINFORCE runs return at once).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  // a REINFORCE run reads no credit (categorical_signals): nothing to compute for it
  if (runs[r].hnca == 0u) {
    return;
  }
  let n = layer.categories;
  let parentWidth = layer.inWidth;
  let childWidth = layer.outWidth;
  let units = parentWidth / n;
  let childUnits = childWidth / n;
  let flat = flatIndex(id, groups);
  if (flat >= step.batch * units) {
    return;
  }
  let b = flat / units;
  let i = flat % units;
  let pAt = (r * layer.capacity + b) * parentWidth + i * n;
  var phi = 0u;
  for (var k = 0u; k < n; k++) {
    if (parentSamples[pAt + k] == 1.0) {
      phi = k;
    }
  }
  let paramBase = r * layer.paramsPerRun + layer.paramOffset;
  let rowActual = paramBase + (i * n + phi) * childWidth;
  var q: Categories;
  for (var v = 0u; v < n; v++) {
    q[v] = 0.0;
  }
  let cBase = (r * layer.capacity + b) * childWidth;
  for (var c = 0u; c < childUnits; c++) {
    let col = c * n;
    var z: Categories;
    for (var k = 0u; k < n; k++) {
      z[k] = childLogits[cBase + col + k];
    }
    let lse = logSumExp(&z, n);
    var phiC = 0u;
    for (var k = 0u; k < n; k++) {
      if (childSamples[cBase + col + k] == 1.0) {
        phiC = k;
      }
    }
    for (var v = 0u; v < n; v++) {
      if (v == phi) {
        continue;
      }
      let rowAlternative = paramBase + (i * n + v) * childWidth;
      var shifted: Categories;
      for (var k = 0u; k < n; k++) {
        shifted[k] = z[k] + params[rowAlternative + col + k] - params[rowActual + col + k];
      }
      // (z'_φc - lse(z')) - (z_φc - lse(z))
      q[v] += shifted[phiC] - z[phiC] - (logSumExp(&shifted, n) - lse);
    }
  }
  for (var v = 0u; v < n; v++) {
    logQ[pAt + v] = q[v];
  }
}

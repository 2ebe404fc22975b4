// HNCA's counterfactual log Q of the last categorical layer, whose only child is the softmax
// output (docs/math.md §7.1). Forcing unit i of example b from φ_i to v adds the column change
// Delta(v) = V[(i, v), :] - V[(i, φ_i), :] to the output logits z, so
//   log Q_i(v) - log Q_i(φ_i) = log pi'(a) - log pi(a) = (z'_a - z_a) - (logsumexp(z') - logsumexp(z)), z' = z + Delta(v),
// each logsumexp shifted by its maximum: finite for any finite weights. Writes that difference
// per value v (0 at v = φ_i) into logQ [U·N]; categorical_credit turns it into the posterior.
// layer = the output matrix (inWidth = U·N parents, outWidth = actions, categories = N).
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
  let outW = layer.outWidth;
  let units = parentWidth / n;
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
  let zBase = (r * layer.capacity + b) * outW;
  var zMax = outLogits[zBase];
  for (var k = 1u; k < outW; k++) {
    zMax = max(zMax, outLogits[zBase + k]);
  }
  var sum = 0.0;
  for (var k = 0u; k < outW; k++) {
    sum += exp(outLogits[zBase + k] - zMax);
  }
  let lse = zMax + log(sum);
  let a = actions[r * layer.capacity + b];
  let paramBase = r * layer.paramsPerRun + layer.paramOffset;
  let rowActual = paramBase + (i * n + phi) * outW;
  for (var v = 0u; v < n; v++) {
    if (v == phi) {
      logQ[pAt + v] = 0.0;
      continue;
    }
    let rowAlternative = paramBase + (i * n + v) * outW;
    var shiftedMax = outLogits[zBase] + params[rowAlternative] - params[rowActual];
    for (var k = 1u; k < outW; k++) {
      shiftedMax = max(shiftedMax, outLogits[zBase + k] + params[rowAlternative + k] - params[rowActual + k]);
    }
    var shiftedSum = 0.0;
    for (var k = 0u; k < outW; k++) {
      shiftedSum += exp(outLogits[zBase + k] + params[rowAlternative + k] - params[rowActual + k] - shiftedMax);
    }
    // (z'_a − z_a) − (lse(z') − lse(z)) with z'_a the very float32 sum inside lse(z'), as the CPU
    // writes it: where a stays the largest logit both differences cancel exactly, whatever the
    // weights' magnitude (Delta_a taken apart would differ from z'_a − z_a by z's rounding, 1e23
    // nats for weights of 1e30)
    let shiftedA = outLogits[zBase + a] + params[rowAlternative + a] - params[rowActual + a];
    logQ[pAt + v] = shiftedA - outLogits[zBase + a] - (shiftedMax + log(shiftedSum) - lse);
  }
}

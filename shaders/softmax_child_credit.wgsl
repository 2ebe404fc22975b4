// HNCA credit of the last hidden layer, whose only child is the softmax output (docs/math.md §2).
// Flipping parent j shifts the output logits by x_k = Δ_j V[j, k], so
//   log π'(a) - log π(a) = x_a - log Σ_k π_k e^{x_k} = x_a - log1p(Σ_k π_k expm1(x_k)),
// accurate when the shift is small (|x_k| <= PRECISE_SHIFT and the log1p argument >= -1/2: no
// overflow, no cancellation, an underflowed π_k is negligible). Otherwise, in the log domain
// from the logits z: x_a - (logsumexp(z + x) - logsumexp(z)), each logsumexp shifted by its max,
// finite for any finite weights. layer = the output matrix (inWidth = parents, outWidth = actions).
// Grid: x × y = (examples × parents) / WORKGROUP_SIZE (folded into y past the workgroup limit), z = run.

const PRECISE_SHIFT: f32 = 20.0;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let flat = flatIndex(id, groups);
  let parents = layer.inWidth;
  let n = layer.outWidth;
  if (flat >= step.batch * parents) {
    return;
  }
  let b = flat / parents;
  let j = flat % parents;
  let at = (r * layer.capacity + b) * parents + j;
  let fired = parentSamples[at] == 1.0;
  var delta = layer.flipMagnitude;
  if (fired) {
    delta = -layer.flipMagnitude;
  }
  let a = actions[r * layer.capacity + b];
  let row = r * layer.paramsPerRun + layer.paramOffset + j * n;
  let probBase = (r * layer.capacity + b) * n;
  var largest = 0.0;
  for (var k = 0u; k < n; k++) {
    largest = max(largest, abs(delta * params[row + k]));
  }
  var mixed = -1.0;
  if (largest <= PRECISE_SHIFT) {
    mixed = 0.0;
    for (var k = 0u; k < n; k++) {
      mixed += outProbs[probBase + k] * expm1Precise(delta * params[row + k]);
    }
  }
  var dlog: f32;
  if (mixed >= -0.5) {
    dlog = delta * params[row + a] - log1pPrecise(mixed);
  } else {
    var zMax = outLogits[probBase];
    var shiftedMax = outLogits[probBase] + delta * params[row];
    for (var k = 1u; k < n; k++) {
      zMax = max(zMax, outLogits[probBase + k]);
      shiftedMax = max(shiftedMax, outLogits[probBase + k] + delta * params[row + k]);
    }
    var sum = 0.0;
    var shiftedSum = 0.0;
    for (var k = 0u; k < n; k++) {
      sum += exp(outLogits[probBase + k] - zMax);
      shiftedSum += exp(outLogits[probBase + k] + delta * params[row + k] - shiftedMax);
    }
    dlog = delta * params[row + a] - ((shiftedMax - zMax) + (log(shiftedSum) - log(sum)));
  }
  var d = -dlog;
  if (fired) {
    d = dlog;
  }
  credit[at] = rhoDifference(parentProbs[at], d);
}

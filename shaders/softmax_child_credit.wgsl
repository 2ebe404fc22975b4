// HNCA credit of the last hidden layer, whose only child is the softmax output (DESIGN.md §2).
// Flipping parent j shifts the output logits by x_k = Δ_j V[j, k], so
//   log π'(a) - log π(a) = x_a - log Σ_k π_k e^{x_k} = x_a - log1p(Σ_k π_k expm1(x_k)),
// accurate when the shift is small. layer = the output matrix (inWidth = parents, outWidth = actions).
// Grid: x = (examples × parents) / 64, z = run.

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
@group(0) @binding(4) var<storage, read> parentProbs: array<f32>;
@group(0) @binding(5) var<storage, read> parentSamples: array<f32>;
@group(0) @binding(6) var<storage, read> outProbs: array<f32>;
@group(0) @binding(7) var<storage, read> actions: array<u32>;
@group(0) @binding(8) var<storage, read_write> credit: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let r = id.z;
  let parents = layer.inWidth;
  let n = layer.outWidth;
  if (id.x >= step.batch * parents) {
    return;
  }
  let b = id.x / parents;
  let j = id.x % parents;
  let at = (r * layer.capacity + b) * parents + j;
  let fired = parentSamples[at] == 1.0;
  var delta = layer.flipMagnitude;
  if (fired) {
    delta = -layer.flipMagnitude;
  }
  let a = actions[r * layer.capacity + b];
  let row = r * layer.paramsPerRun + layer.paramOffset + j * n;
  let probBase = (r * layer.capacity + b) * n;
  var mixed = 0.0;
  for (var k = 0u; k < n; k++) {
    mixed += outProbs[probBase + k] * expm1Precise(delta * params[row + k]);
  }
  let dlog = delta * params[row + a] - log1pPrecise(mixed);
  var d = -dlog;
  if (fired) {
    d = dlog;
  }
  credit[at] = rhoDifference(parentProbs[at], d);
}

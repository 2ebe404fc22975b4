// Σ over a layer's parameters of the batch variance of the per-example estimates (docs/math.md §4):
//   (1/B) Σ_b (Σ_i S[b,i]²)(Σ_j x[b,j]² + 1) - Σ_{W and b} gbar²
// One workgroup of 256 per run (z), one dispatch per layer; writes variance[run * layers + layer].
// Includes workgroup_sum.wgsl.

const THREADS: u32 = 256u;

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> inputs: array<f32>;
@group(0) @binding(4) var<storage, read> signals: array<f32>;
@group(0) @binding(5) var<storage, read> grads: array<f32>;
@group(0) @binding(6) var<storage, read_write> variance: array<f32>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let t = lid.x;
  let inW = layer.inWidth;
  let outW = layer.outWidth;
  var row = r;
  if (layer.inputIsPixels == 1u) {
    row = runs[r].group;
  }
  var second = 0.0;
  for (var b = t; b < step.batch; b += THREADS) {
    var ss = 0.0;
    for (var i = 0u; i < outW; i++) {
      let s = signals[(r * layer.capacity + b) * outW + i];
      ss += s * s;
    }
    var xx = 1.0;
    for (var j = 0u; j < inW; j++) {
      let x = inputValue(inputs[(row * layer.capacity + b) * inW + j], layer.inputIsPixels, layer.centered, layer.categories);
      xx += x * x;
    }
    second += ss * xx;
  }
  var squares = 0.0;
  let base = r * layer.paramsPerRun + layer.paramOffset;
  let count = (inW + 1u) * outW;
  for (var e = t; e < count; e += THREADS) {
    let g = grads[base + e];
    squares += g * g;
  }
  let sum = workgroupSum(t, second / f32(step.batch) - squares);
  if (t == 0u) {
    variance[r * layer.layers + layer.layer] = sum;
  }
}

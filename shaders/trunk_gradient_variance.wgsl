// The variance metric of one layer of the conv bandit's trunk (docs/math.md §4, §7.2): Σ over the
// layer's parameters of the batch variance of the per-example gradients,
//   Σ_b ‖g_b‖² / B − Σ_{W and b} gbar²,
// where Σ_b ‖g_b‖² / B came from the trunk's backward pass (src/trunk/webgpuTrunk.ts) and gbar is
// the batch-mean gradient it copied into `grads`. The twin of gradient_variance.wgsl for a layer
// whose per-example gradients the library computed. One workgroup of 256 per run (z), one
// dispatch per trunk layer (each convolution, then the linear layer to the Bernoulli logits);
// writes variance[run * layers + layer].
// Layouts: secondMoments [run * (layers − 1) + layer] (the trunk's layers are the first
// layers − 1: the output layer's variance comes from gradient_variance.wgsl). Includes
// workgroup_sum.wgsl.

const THREADS: u32 = 256u;

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read> secondMoments: array<f32>;
@group(0) @binding(3) var<storage, read_write> variance: array<f32>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let t = lid.x;
  var squares = 0.0;
  let base = r * layer.paramsPerRun + layer.paramOffset;
  let count = (layer.inWidth + 1u) * layer.outWidth;
  for (var e = t; e < count; e += THREADS) {
    let g = grads[base + e];
    squares += g * g;
  }
  let sum = workgroupSum(t, squares);
  if (t == 0u) {
    variance[r * layer.layers + layer.layer] = secondMoments[r * (layer.layers - 1u) + layer.layer] - sum;
  }
}

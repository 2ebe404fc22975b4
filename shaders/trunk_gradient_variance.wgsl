// The variance metric of one layer of the conv bandit's trunk (docs/math.md §4, §7.2): Σ over the
// layer's parameters of the batch variance of the per-example gradients. The trunk's backward pass
// (src/trunk/webgpuTrunk.ts) computed it by shifted sums (src/trunk/trunkVariance.ts: each
// convolution's per-example gradients shifted by their batch mean, the linear layer's by example
// 0's, so no E[g²] − E[g]² cancellation for gradients of a large mean and a small spread, and 0 at
// batch 1) into `trunkVariance`; this kernel places it in the metric's layout beside the output
// layer's (gradient_variance.wgsl), a rounding difference below 0 read as 0 and a non-finite
// value kept (the counters stop the run on it). One invocation per run (z), one dispatch per trunk
// layer (each convolution, then the linear layer to the Bernoulli logits); writes
// variance[run * layers + layer].
// Layouts: trunkVariance [run * (layers − 1) + layer] (the trunk's layers are the first
// layers − 1).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let v = trunkVariance[r * (layer.layers - 1u) + layer.layer];
  // not max(0, v): that may read a NaN as 0 on some GPUs; a NaN compares false and is kept
  variance[r * layer.layers + layer.layer] = select(v, 0.0, v < 0.0);
}

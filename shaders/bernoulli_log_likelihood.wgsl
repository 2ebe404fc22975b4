// Dec_m = Σ_i log p(t_i | v_i) = Σ_i log σ(±v_i) (nats) of every example: the log-likelihood of
// target values t under unclipped Bernoulli logits v (the decoder p_m, or the prior when m = L;
// docs/math.md §3), into slot vl.termSlot of pass vl.passIndex; with vl.gradient = 1 also the logits'
// gradient t - σ(v). Targets are the group's pixels (vl.targetIsPixels) or the run's samples.
// Grid: x = examples / WORKGROUP_SIZE, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   logits    the term's logits region [(run * capacity + example) * width + unit]
//   targets   the targets' region: rows by group (pixels) or by run (samples)
//   gradient  the gradient region (written when vl.gradient = 1)

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let r = id.z;
  let b = id.x;
  if (b >= step.batch) {
    return;
  }
  var row = r;
  if (vl.targetIsPixels == 1u) {
    row = vaeRuns[r].group;
  }
  let at = (r * vl.capacity + b) * vl.width;
  let targetAt = (row * vl.capacity + b) * vl.width;
  var sum = 0.0;
  for (var i = 0u; i < vl.width; i++) {
    let v = logits[at + i];
    let t = targets[targetAt + i];
    if (t == 1.0) {
      sum += logSigmoid(v);
    } else {
      sum += logSigmoid(-v);
    }
    if (vl.gradient == 1u) {
      gradient[at + i] = t - 1.0 / (1.0 + exp(-v));
    }
  }
  terms[termIndex(vl, vl.passIndex, r, b, vl.termSlot)] = sum;
}

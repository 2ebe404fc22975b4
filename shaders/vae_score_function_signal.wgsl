// REINFORCE's (± baseline) per-logit gradient of encoder layer l (docs/math.md §3), for the runs
// whose estimator is the score function; the twin of ExampleWork.reinforce:
//   g_i = -p q ut_i + (φ_i - p)(F_l - b_l),  F_l = Σ_{m >= l-1} Dec_m + Σ_{k >= l+1} Ent_k,
// and, from unit 0, the baseline target F_l. Grid: x × y = (examples × units) / WORKGROUP_SIZE, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   logits  layer l's logits and samples regions

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let n = vl.width;
  let e = flatIndex(id, groups);
  let run = vaeRuns[r];
  if (e >= step.batch * n || run.signal != SIGNAL_SCORE_FUNCTION) {
    return;
  }
  let b = e / n;
  let i = e % n;
  let l = vl.l;
  let L = vl.layers;
  var downstream = 0.0;
  for (var m = l - 1u; m <= L; m++) {
    downstream += terms[termIndex(vl, 0u, r, b, L + 1u + m)];
  }
  for (var k = l + 1u; k <= L; k++) {
    downstream += terms[termIndex(vl, 0u, r, b, k)];
  }
  var baseline = 0.0;
  if (run.useBaseline == 1u) {
    baseline = run.baselines[l];
  }
  if (i == 0u) {
    targets[(r * vl.capacity + b) * (L + 1u) + l] = downstream;
  }
  let at = (r * vl.capacity + b) * n + i;
  let ut = clampLogit(logits[at]);
  let p = 1.0 / (1.0 + exp(-ut));
  let q = 1.0 / (1.0 + exp(ut));
  signals[at] = -p * q * ut + (samples[at] - p) * (downstream - baseline);
}

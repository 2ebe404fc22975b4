// The per-logit gradient of encoder layer l from a pair of samples (docs/math.md §3), for the runs
// whose estimator is REINFORCE leave-one-out or DisARM; the twin of ExampleWork.pairSignal.
// F_l from the main pass, F'_l from the partial pass started at layer l (its terms: Dec'_{l-1}
// against the main φ_{l-1}, Dec'_m for m >= l, Ent'_k for k > l):
//   LOO:    g_i = -p q ut_i + ½(F_l - F'_l)(φ_i - φ'_i)
//   DisARM: g_i = -p q ut_i + ½(F_l - F~_l)(φ_i - φ~_i)·max(p, 1 - p)
// The baseline target is 0. Grid: x × y = (examples × units) / WORKGROUP_SIZE, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   logits  layer l's logits and samples regions (main pass), and the partial pass's layer l

/** Σ_{m >= l-1} Dec_m + Σ_{k >= l+1} Ent_k of pass `pass` */
fn downstream(passIndex: u32, r: u32, b: u32) -> f32 {
  let l = vl.l;
  let L = vl.layers;
  var s = 0.0;
  for (var m = l - 1u; m <= L; m++) {
    s += terms[termIndex(vl, passIndex, r, b, L + 1u + m)];
  }
  for (var k = l + 1u; k <= L; k++) {
    s += terms[termIndex(vl, passIndex, r, b, k)];
  }
  return s;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let n = vl.width;
  let e = flatIndex(id, groups);
  let signal = vaeRuns[r].signal;
  if (e >= step.batch * n || (signal != SIGNAL_LEAVE_ONE_OUT && signal != SIGNAL_DISARM)) {
    return;
  }
  let b = e / n;
  let i = e % n;
  if (i == 0u) {
    targets[(r * vl.capacity + b) * (vl.layers + 1u) + vl.l] = 0.0;
  }
  let half = 0.5 * (downstream(0u, r, b) - downstream(vl.l, r, b));
  let at = (r * vl.capacity + b) * n + i;
  let ut = clampLogit(logits[at]);
  let p = 1.0 / (1.0 + exp(-ut));
  let q = 1.0 / (1.0 + exp(ut));
  var pair = half * (samples[at] - pairSamples[at]);
  if (signal == SIGNAL_DISARM) {
    pair *= max(p, q);
  }
  signals[at] = -p * q * ut + pair;
}

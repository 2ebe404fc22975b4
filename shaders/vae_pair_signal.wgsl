// The per-logit gradient of encoder layer l from a pair of samples (docs/math.md §3), for the runs
// whose estimator is REINFORCE leave-one-out or DisARM; the twin of ExampleWork.pairSignal.
// F_l from the main pass, F'_l from the partial pass started at layer l (its terms: Dec'_{l-1}
// against the main φ_{l-1}, Dec'_m for m >= l, Ent'_k for k > l):
//   LOO:    g_i = -p q ut_i + ½(F_l - F'_l)(φ_i - φ'_i)
//   DisARM: g_i = -p q ut_i + ½(F_l - F~_l)(φ_i - φ~_i)·max(p, 1 - p)
// The baseline target is 0. Grid: x × y = (examples × units) / 64, z = run.

@group(0) @binding(0) var<uniform> vl: VaeLayer;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> vaeRuns: array<VaeRunState>;
/** layer l's logits and samples regions (main pass), and the partial pass's layer l */
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> samples: array<f32>;
@group(0) @binding(5) var<storage, read> pairSamples: array<f32>;
@group(0) @binding(6) var<storage, read> terms: array<f32>;
@group(0) @binding(7) var<storage, read_write> signals: array<f32>;
@group(0) @binding(8) var<storage, read_write> targets: array<f32>;

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

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let n = vl.width;
  let e = id.y * groups.x * 64u + id.x;
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

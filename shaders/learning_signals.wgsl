// Per-example signals S of a hidden layer (docs/math.md §2):
//   HNCA:      S = R p (1 - p) (rho(1) - rho(0))
//   REINFORCE: S = R (φ - p)
// Grid: x × y = (examples × units) / WORKGROUP_SIZE (folded into y past the workgroup limit), z = run.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let flat = flatIndex(id, groups);
  let width = layer.outWidth;
  if (flat >= step.batch * width) {
    return;
  }
  let b = flat / width;
  let at = r * layer.capacity * width + flat;
  let signal = rewards[r * layer.capacity + b].y;
  let p = probs[at];
  if (runs[r].hnca == 1u) {
    signals[at] = hncaSignal(signal, p, credit[at]);
  } else {
    signals[at] = reinforceSignal(signal, samples[at], p);
  }
}

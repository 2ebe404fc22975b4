// Per-logit learning signals of a categorical layer (docs/math.md §7.1):
//   HNCA:      S_ik = R (post_i(k) - pi_ik) = R pi_ik (rho_i(k) - 1)
//   REINFORCE: S_ik = R (1[φ_i = k] - pi_ik)   (1[φ_i = k] is the one-hot sample)
// layer = the layer's own matrix (outWidth = U·N).
// Grid: x × y = (examples × logits) / WORKGROUP_SIZE (folded into y past the workgroup limit), z = run.

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
  if (runs[r].hnca == 1u) {
    signals[at] = categoricalHncaSignal(signal, probs[at], credit[at]);
  } else {
    signals[at] = categoricalReinforceSignal(signal, probs[at], samples[at]);
  }
}

// Per-logit learning signals of a categorical layer (docs/math.md §7.1):
//   HNCA:      S_ik = R (post_i(k) - pi_ik) = R pi_ik (rho_i(k) - 1)
//   REINFORCE: S_ik = R (1[φ_i = k] - pi_ik)   (1[φ_i = k] is the one-hot sample)
// layer = the layer's own matrix (outWidth = U·N).
// Grid: x × y = (examples × logits) / 64 (folded into y past the workgroup limit), z = run.

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> rewards: array<vec2f>;
@group(0) @binding(4) var<storage, read> probs: array<f32>;
@group(0) @binding(5) var<storage, read> samples: array<f32>;
@group(0) @binding(6) var<storage, read> credit: array<f32>;
@group(0) @binding(7) var<storage, read_write> signals: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let flat = id.y * groups.x * 64u + id.x;
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

// Per-example signals S of a hidden layer (docs/math.md §2):
//   HNCA:      S = R p (1 - p) (rho(1) - rho(0))
//   REINFORCE: S = R (φ - p)
// Grid: x × y = (examples × units) / 64 (folded into y past the workgroup limit), z = run.

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
  // flat index: a grid over the per-dimension workgroup limit folds into y (runtime/limits.ts foldedGrid)
  let flat = id.y * groups.x * 64u + id.x;
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

// One ascent step on every parameter of every finite run (src/engine/optimizer.ts):
//   Adam: m = β1 m + (1-β1) g, v = β2 v + (1-β2) g², θ += lr (m c1) / (sqrt(v c2) + eps)
//   SGD:  θ += lr g
// Grid: x × y workgroups of 64 cover runs × paramsPerRun elements.

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> params: array<f32>;
@group(0) @binding(5) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(6) var<storage, read_write> moment2: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = id.y * groups.x * 64u + id.x;
  if (e >= layer.runs * layer.paramsPerRun) {
    return;
  }
  if (runs[e / layer.paramsPerRun].finite == 0u) {
    return;
  }
  let g = grads[e];
  if (step.optimizer == 1u) {
    params[e] = params[e] + step.lr * g;
    return;
  }
  let m = step.beta1 * moment1[e] + step.oneMinusBeta1 * g;
  let v = step.beta2 * moment2[e] + step.oneMinusBeta2 * g * g;
  moment1[e] = m;
  moment2[e] = v;
  params[e] = params[e] + (step.lr * (m * step.c1)) / (sqrt(v * step.c2) + step.eps);
}

// One ascent step on every parameter of every finite run (src/engine/optimizer.ts):
//   Adam: m = β1 m + (1-β1) g, v = β2 v + (1-β2) g², θ += lr (m c1) / (sqrt(v c2) + eps)
//   SGD:  θ += lr g
// Grid: x × y workgroups of WORKGROUP_SIZE cover runs × paramsPerRun elements.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = flatIndex(id, groups);
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

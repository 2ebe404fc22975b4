// The softmax output: π = softmax(z), action a = first k with u < Σ_{k'<=k} π_k' (the last
// action if none; u from streamKey(seed, keyStep, actionStream) at index exampleOffset + b),
// reward r = [a = label], learning signal R = r - bbar (baseline runs) or r, and the output
// layer's per-example signal R (e_a - π). Grid: x = examples / WORKGROUP_SIZE, z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   batchLabels  [group * capacity + b]
//   actions      [run * capacity + b]
//   rewards      [run * capacity + b] = (reward, learning signal)

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let r = id.z;
  let b = id.x;
  if (b >= step.batch) {
    return;
  }
  let n = layer.outWidth;
  let base = (r * layer.capacity + b) * n;
  var zMax = logits[base];
  for (var k = 1u; k < n; k++) {
    zMax = max(zMax, logits[base + k]);
  }
  var sum = 0.0;
  var e: array<f32, MAX_ACTIONS>;
  for (var k = 0u; k < n; k++) {
    e[k] = exp(logits[base + k] - zMax);
    sum += e[k];
  }
  let key = streamKey(runs[r].seed, step.keyStep, step.actionStream);
  let u = uniform01(key, step.exampleOffset + b);
  var a = n - 1u;
  var found = false;
  var cumulative = 0.0;
  for (var k = 0u; k < n; k++) {
    let pk = e[k] / sum;
    e[k] = pk;
    probs[base + k] = pk;
    cumulative += pk;
    if (!found && u < cumulative) {
      a = k;
      found = true;
    }
  }
  let label = batchLabels[runs[r].group * layer.capacity + b];
  var reward = 0.0;
  if (a == label) {
    reward = 1.0;
  }
  var signal = reward;
  if (runs[r].useBaseline == 1u) {
    signal = reward - runs[r].baseline;
  }
  for (var k = 0u; k < n; k++) {
    var indicator = 0.0;
    if (k == a) {
      indicator = 1.0;
    }
    signals[base + k] = signal * (indicator - e[k]);
  }
  actions[r * layer.capacity + b] = a;
  rewards[r * layer.capacity + b] = vec2f(reward, signal);
}

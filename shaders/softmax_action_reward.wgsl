// The softmax output: π = softmax(z), action a = first k with u < Σ_{k'<=k} π_k' (the last
// action if none; u from streamKey(seed, keyStep, actionStream) at index exampleOffset + b),
// reward r = [a = label], learning signal R = r - bbar (baseline runs) or r, and the output
// layer's per-example signal R (e_a - π). Grid: x = examples / 64, z = run.

const MAX_ACTIONS: u32 = 64u;

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
/** [group * capacity + b] */
@group(0) @binding(4) var<storage, read> batchLabels: array<u32>;
@group(0) @binding(5) var<storage, read_write> probs: array<f32>;
@group(0) @binding(6) var<storage, read_write> signals: array<f32>;
/** [run * capacity + b] */
@group(0) @binding(7) var<storage, read_write> actions: array<u32>;
/** [run * capacity + b] = (reward, learning signal) */
@group(0) @binding(8) var<storage, read_write> rewards: array<vec2f>;

@compute @workgroup_size(64)
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

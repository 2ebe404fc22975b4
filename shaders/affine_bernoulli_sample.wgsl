// A hidden layer of Bernoulli units in one pass (docs/math.md §2): the logits u = x W + b of the
// tiled product (affine_tile.wgsl), and in its epilogue, with u still in a register,
// p = clip(sigmoid(u), 1e-5, 1 - 1e-5) and φ = [uniform < p], the uniform of
// streamKey(seed, keyStep, hiddenStream + layer) at index (exampleOffset + b) * width + i
// (formerly a dispatch of its own).
// Grid: x = units / TILE, y = examples / TILE, z = run.

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
/** the group's pixels (layer 0) or the previous layer's samples of the run */
@group(0) @binding(4) var<storage, read> inputs: array<f32>;
@group(0) @binding(5) var<storage, read_write> logits: array<f32>;
@group(0) @binding(6) var<storage, read_write> probs: array<f32>;
/** 0/1 as f32 */
@group(0) @binding(7) var<storage, read_write> samples: array<f32>;

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let u = affineTile(lid, wid);
  let r = wid.z;
  let i = wid.x * TILE + lid.x;
  let b = wid.y * TILE + lid.y;
  let width = layer.outWidth;
  if (b < step.batch && i < width) {
    let at = (r * layer.capacity + b) * width + i;
    logits[at] = u;
    let p = clippedSigmoid(u);
    probs[at] = p;
    let key = streamKey(runs[r].seed, step.keyStep, step.hiddenStream + layer.layer);
    samples[at] = sampleBernoulli(p, uniform01(key, step.exampleOffset * width + b * width + i));
  }
}

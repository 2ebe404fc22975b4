// Bernoulli units: p = clip(sigmoid(u), 1e-5, 1 - 1e-5), φ = [uniform < p] with the uniform of
// streamKey(seed, keyStep, hiddenStream + layer) at index (exampleOffset + b) * width + i.
// Grid: x × y = (examples × units) / 64 (folded into y past the workgroup limit), z = run.
// The VAE program's sampling after affine_logits (the bandit samples in affine_bernoulli_sample's epilogue).

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read_write> probs: array<f32>;
/** 0/1 as f32 */
@group(0) @binding(5) var<storage, read_write> samples: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let width = layer.outWidth;
  // flat index: a grid over the per-dimension workgroup limit folds into y (runtime/limits.ts foldedGrid)
  let e = id.y * groups.x * 64u + id.x;
  if (e >= step.batch * width) {
    return;
  }
  let at = r * layer.capacity * width + e;
  let p = clippedSigmoid(logits[at]);
  probs[at] = p;
  let key = streamKey(runs[r].seed, step.keyStep, step.hiddenStream + layer.layer);
  samples[at] = sampleBernoulli(p, uniform01(key, step.exampleOffset * width + e));
}

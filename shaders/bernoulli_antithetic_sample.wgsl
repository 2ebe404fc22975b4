// DisARM's antithetic pair of an encoder layer (docs/math.md §3), for the runs whose estimator is
// DisARM: one uniform u per unit (the main pass's stream, as bernoulli_sample.wgsl draws it),
// p = clippedSigmoid(u_l), main sample φ = [1 - u < p] and antithetic φ~ = [u < p]. Other runs
// are left alone. Grid: x × y = (examples × units) / 64 (folded past the workgroup limit), z = run.

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> vaeRuns: array<VaeRunState>;
@group(0) @binding(4) var<storage, read> logits: array<f32>;
/** 0/1 as f32: the main pass's layer and the partial pass's first layer */
@group(0) @binding(5) var<storage, read_write> samples: array<f32>;
@group(0) @binding(6) var<storage, read_write> antithetic: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let width = layer.outWidth;
  let e = id.y * groups.x * 64u + id.x;
  if (e >= step.batch * width || vaeRuns[r].signal != SIGNAL_DISARM) {
    return;
  }
  let at = r * layer.capacity * width + e;
  let p = clippedSigmoid(logits[at]);
  let u = uniform01(streamKey(runs[r].seed, step.keyStep, step.hiddenStream + layer.layer), step.exampleOffset * width + e);
  samples[at] = sampleBernoulli(p, 1.0 - u);
  antithetic[at] = sampleBernoulli(p, u);
}

// The tiled product of the affine kernels (affine_logits.wgsl, affine_bernoulli_sample.wgsl):
// z[b, i] = Σ_j x[b, j] W[j, i] + bias[i] as one (in + 1) × out matrix [W; b] against inputs
// augmented with a 1. A workgroup computes TILE examples × TILE units, staging DEPTH inputs per
// barrier in workgroup memory (deep stages keep barriers few, which matters on CPU adapters;
// the last stage stages only the columns left).
// Zero inputs (most binarized pixels) are skipped. Grid: x = units / TILE, y = examples / TILE,
// z = run. The including kernel declares `layer`, `step`, `runs`, `params` and `inputs`.

override TILE: u32 = 16u;
override DEPTH: u32 = 64u;

/** xTile[e * DEPTH + k]: example wid.y*TILE + e, input t*DEPTH + k */
var<workgroup> xTile: array<f32, TILE * DEPTH>;
/** wTile[k * TILE + u]: input t*DEPTH + k, unit wid.x*TILE + u */
var<workgroup> wTile: array<f32, DEPTH * TILE>;

/** The logit of unit wid.x*TILE + lid.x for example wid.y*TILE + lid.y of run wid.z (0 outside the batch). */
fn affineTile(lid: vec3u, wid: vec3u) -> f32 {
  let r = wid.z;
  let inW = layer.inWidth;
  let outW = layer.outWidth;
  var row = r;
  if (layer.inputIsPixels == 1u) {
    row = runs[r].group;
  }
  let paramBase = r * layer.paramsPerRun + layer.paramOffset;
  let flat = lid.y * TILE + lid.x;
  var acc = 0.0;
  let stages = (inW + 1u + DEPTH - 1u) / DEPTH;
  for (var t = 0u; t < stages; t++) {
    // inputs of this stage: DEPTH, or fewer in the last (a narrow layer stages only its inW + 1
    // columns: the rest would be zeros, skipped by the product anyway, so the sum is the same)
    let n = min(DEPTH, inW + 1u - t * DEPTH);
    for (var q = flat; q < TILE * n; q += TILE * TILE) {
      let e = q / n;
      let k = q % n;
      let xb = wid.y * TILE + e;
      let xj = t * DEPTH + k;
      var xv = 0.0;
      if (xb < step.batch) {
        if (xj < inW) {
          xv = inputValue(inputs[(row * layer.capacity + xb) * inW + xj], layer.inputIsPixels, layer.centered, layer.categories);
        } else {
          xv = 1.0;
        }
      }
      xTile[e * DEPTH + k] = xv;
      let wj = t * DEPTH + q / TILE;
      let wi = wid.x * TILE + q % TILE;
      var wv = 0.0;
      if (wi < outW) {
        wv = params[paramBase + wj * outW + wi];
      }
      wTile[q] = wv;
    }
    workgroupBarrier();
    for (var k = 0u; k < n; k++) {
      let xv = xTile[lid.y * DEPTH + k];
      if (xv != 0.0) {
        acc += xv * wTile[k * TILE + lid.x];
      }
    }
    // the next stage overwrites the tiles: wait until every invocation has read them (after the last, nothing does)
    if (t + 1u < stages) {
      workgroupBarrier();
    }
  }
  return acc;
}

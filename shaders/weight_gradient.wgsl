// Batch-mean gradient of one layer: g[j, i] = (1/B) Σ_b x[b, j] S[b, i] for j < in, and the
// bias row j = in with x = 1 (it lands on b_k, which follows W_k in the parameter layout).
// A matrix product Xᵀ S tiled: a workgroup computes TILE inputs × TILE units, staging DEPTH
// examples per barrier (the last stage only the examples left).
// Grid: x = units / TILE, y = (in + 1) / TILE, z = run.

/** xTile[k * TILE + v]: example t*DEPTH + k, input wid.y*TILE + v; sTile likewise for units */
var<workgroup> xTile: array<f32, DEPTH * TILE>;
var<workgroup> sTile: array<f32, DEPTH * TILE>;

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let i = wid.x * TILE + lid.x;
  let j = wid.y * TILE + lid.y;
  let inW = layer.inWidth;
  let outW = layer.outWidth;
  var row = r;
  if (layer.inputIsPixels == 1u) {
    row = runs[r].group;
  }
  let flat = lid.y * TILE + lid.x;
  var acc = 0.0;
  let stages = (step.batch + DEPTH - 1u) / DEPTH;
  for (var t = 0u; t < stages; t++) {
    // examples of this stage: DEPTH, or the ones left in the last (a batch of 50 stages and sums
    // 50, not 64: the rest would be zeros, skipped by the product anyway, so the sum is the same)
    let n = min(DEPTH, step.batch - t * DEPTH);
    for (var q = flat; q < n * TILE; q += TILE * TILE) {
      let tb = t * DEPTH + q / TILE;
      let xj = wid.y * TILE + q % TILE;
      var xv = 0.0;
      if (xj < inW) {
        xv = inputValue(inputs[(row * layer.capacity + tb) * inW + xj], layer.inputIsPixels, layer.centered, layer.categories);
      } else if (xj == inW) {
        xv = 1.0;
      }
      xTile[q] = xv;
      let si = wid.x * TILE + q % TILE;
      var sv = 0.0;
      if (si < outW) {
        sv = signals[(r * layer.capacity + tb) * outW + si];
      }
      sTile[q] = sv;
    }
    workgroupBarrier();
    for (var k = 0u; k < n; k++) {
      let xv = xTile[k * TILE + lid.y];
      if (xv != 0.0) {
        acc += xv * sTile[k * TILE + lid.x];
      }
    }
    // the next stage overwrites the tiles: wait until every invocation has read them (after the last, nothing does)
    if (t + 1u < stages) {
      workgroupBarrier();
    }
  }
  if (j <= inW && i < outW) {
    grads[r * layer.paramsPerRun + layer.paramOffset + j * outW + i] = acc / f32(step.batch);
  }
}

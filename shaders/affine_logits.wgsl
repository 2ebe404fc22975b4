// Logits of a layer for every run and example: z[b, i] = Σ_j x[b, j] W[j, i] + bias[i]
// (one (in + 1) × out matrix [W; b] against inputs augmented with a 1), tiled: a workgroup
// computes TILE examples × TILE units, staging DEPTH inputs per barrier in workgroup memory
// (deep stages keep barriers few, which matters on CPU adapters). Zero inputs (most binarized
// pixels) are skipped. Grid: x = units / TILE, y = examples / TILE, z = run.

override TILE: u32 = 16u;
override DEPTH: u32 = 64u;

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
/** the group's pixels (layer 0) or the previous layer's samples of the run */
@group(0) @binding(4) var<storage, read> inputs: array<f32>;
@group(0) @binding(5) var<storage, read_write> logits: array<f32>;

/** xTile[e * DEPTH + k]: example wid.y*TILE + e, input t*DEPTH + k */
var<workgroup> xTile: array<f32, TILE * DEPTH>;
/** wTile[k * TILE + u]: input t*DEPTH + k, unit wid.x*TILE + u */
var<workgroup> wTile: array<f32, DEPTH * TILE>;

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let i = wid.x * TILE + lid.x;
  let b = wid.y * TILE + lid.y;
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
    for (var q = flat; q < TILE * DEPTH; q += TILE * TILE) {
      let e = q / DEPTH;
      let xb = wid.y * TILE + e;
      let xj = t * DEPTH + q % DEPTH;
      var xv = 0.0;
      if (xb < step.batch) {
        if (xj < inW) {
          xv = inputValue(inputs[(row * layer.capacity + xb) * inW + xj], layer.inputIsPixels, layer.centered);
        } else if (xj == inW) {
          xv = 1.0;
        }
      }
      xTile[q] = xv;
      let wj = t * DEPTH + q / TILE;
      let wi = wid.x * TILE + q % TILE;
      var wv = 0.0;
      if (wj <= inW && wi < outW) {
        wv = params[paramBase + wj * outW + wi];
      }
      wTile[q] = wv;
    }
    workgroupBarrier();
    for (var k = 0u; k < DEPTH; k++) {
      let xv = xTile[lid.y * DEPTH + k];
      if (xv != 0.0) {
        acc += xv * wTile[k * TILE + lid.x];
      }
    }
    workgroupBarrier();
  }
  if (b < step.batch && i < outW) {
    logits[(r * layer.capacity + b) * outW + i] = acc;
  }
}

// Logits of a layer for every run and example: z[b, i] = Σ_j x[b, j] W[j, i] + bias[i]
// (one (in + 1) × out matrix [W; b] against inputs augmented with a 1), tiled TILE × TILE.
// Grid: x = units / TILE, y = examples / TILE, z = run.

override TILE: u32 = 16u;

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
/** the group's pixels (layer 0) or the previous layer's samples of the run */
@group(0) @binding(4) var<storage, read> inputs: array<f32>;
@group(0) @binding(5) var<storage, read_write> logits: array<f32>;

var<workgroup> xTile: array<f32, TILE * TILE>;
var<workgroup> wTile: array<f32, TILE * TILE>;

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
  var acc = 0.0;
  let tiles = (inW + 1u + TILE - 1u) / TILE;
  for (var t = 0u; t < tiles; t++) {
    // xTile[y][x] = input (example wid.y*TILE + y, input t*TILE + x); input inW is the constant 1
    let xb = wid.y * TILE + lid.y;
    let xj = t * TILE + lid.x;
    var xv = 0.0;
    if (xb < step.batch) {
      if (xj < inW) {
        xv = inputValue(inputs[(row * layer.capacity + xb) * inW + xj], layer.inputIsPixels, layer.centered);
      } else if (xj == inW) {
        xv = 1.0;
      }
    }
    xTile[lid.y * TILE + lid.x] = xv;
    // wTile[y][x] = [W; b] (input t*TILE + y, unit wid.x*TILE + x)
    let wj = t * TILE + lid.y;
    var wv = 0.0;
    if (wj <= inW && i < outW) {
      wv = params[paramBase + wj * outW + i];
    }
    wTile[lid.y * TILE + lid.x] = wv;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      acc += xTile[lid.y * TILE + k] * wTile[k * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (b < step.batch && i < outW) {
    logits[(r * layer.capacity + b) * outW + i] = acc;
  }
}

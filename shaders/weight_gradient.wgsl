// Batch-mean gradient of one layer: g[j, i] = (1/B) Σ_b x[b, j] S[b, i] for j < in, and the
// bias row j = in with x = 1 (it lands on b_k, which follows W_k in the parameter layout).
// A matrix product Xᵀ S tiled TILE × TILE. Grid: x = units / TILE, y = (in + 1) / TILE, z = run.

override TILE: u32 = 16u;

@group(0) @binding(0) var<uniform> layer: LayerParams;
@group(0) @binding(1) var<uniform> step: StepParams;
@group(0) @binding(2) var<storage, read> runs: array<RunState>;
@group(0) @binding(3) var<storage, read> inputs: array<f32>;
@group(0) @binding(4) var<storage, read> signals: array<f32>;
@group(0) @binding(5) var<storage, read_write> grads: array<f32>;

/** x[b, j] and S[b, i] for a tile of examples */
var<workgroup> xTile: array<f32, TILE * TILE>;
var<workgroup> sTile: array<f32, TILE * TILE>;

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
  var acc = 0.0;
  let tiles = (step.batch + TILE - 1u) / TILE;
  for (var t = 0u; t < tiles; t++) {
    let tb = t * TILE + lid.y;
    // xTile[y = example][x = input wid.y*TILE + x]
    let xj = wid.y * TILE + lid.x;
    var xv = 0.0;
    if (tb < step.batch) {
      if (xj < inW) {
        xv = inputValue(inputs[(row * layer.capacity + tb) * inW + xj], layer.inputIsPixels, layer.centered);
      } else if (xj == inW) {
        xv = 1.0;
      }
    }
    xTile[lid.y * TILE + lid.x] = xv;
    var sv = 0.0;
    if (tb < step.batch && i < outW) {
      sv = signals[(r * layer.capacity + tb) * outW + i];
    }
    sTile[lid.y * TILE + lid.x] = sv;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      acc += xTile[k * TILE + lid.y] * sTile[k * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (j <= inW && i < outW) {
    grads[r * layer.paramsPerRun + layer.paramOffset + j * outW + i] = acc / f32(step.batch);
  }
}

// HNCA credit of a hidden layer whose children are the next Bernoulli layer (docs/math.md §2).
// For parent j of example b, flipping j shifts child c's logit by Δ_j W[j, c] (Δ_j = -m when
// φ_j = 1, +m when 0; m = layer.flipMagnitude), so
//   log Q_flipped - log Q_actual = Σ_c [childSurprise(-s_c u_c) - childSurprise(-s_c u'_c)]
// (each term by surpriseChange, accurate when the shift is small relative to the logit)
// with s_c = 2φ_c - 1; D = log Q0 - log Q1 is that difference when φ_j = 1, its negative when 0.
// A product-of-children reduction tiled like a matrix product: a workgroup covers TILE examples ×
// TILE parents and stages DEPTH children per barrier.
// layer = the child weight matrix (inWidth = parents, outWidth = children).
// Grid: x = parents / TILE, y = examples / TILE, z = run.

/** [e * DEPTH + k], example wid.y*TILE + e, child t*DEPTH + k: x = -s u, and s · childSurprise(x) */
var<workgroup> xTile: array<f32, TILE * DEPTH>;
var<workgroup> signedSurpriseTile: array<f32, TILE * DEPTH>;
/** [p * DEPTH + k]: W[wid.x*TILE + p, t*DEPTH + k] */
var<workgroup> wTile: array<f32, TILE * DEPTH>;

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.z;
  let j = wid.x * TILE + lid.x;
  let b = wid.y * TILE + lid.y;
  let parents = layer.inWidth;
  let children = layer.outWidth;
  let paramBase = r * layer.paramsPerRun + layer.paramOffset;
  let inRange = j < parents && b < step.batch;
  var fired = false;
  if (inRange) {
    fired = parentSamples[(r * layer.capacity + b) * parents + j] == 1.0;
  }
  var delta = layer.flipMagnitude;
  if (fired) {
    delta = -layer.flipMagnitude;
  }
  let flat = lid.y * TILE + lid.x;
  var dlog = 0.0;
  let stages = (children + DEPTH - 1u) / DEPTH;
  for (var t = 0u; t < stages; t++) {
    for (var q = flat; q < TILE * DEPTH; q += TILE * TILE) {
      let cb = wid.y * TILE + q / DEPTH;
      let cc = t * DEPTH + q % DEPTH;
      var x = 0.0;
      var signed = 0.0;
      if (cb < step.batch && cc < children) {
        let at = (r * layer.capacity + cb) * children + cc;
        let sc = 2.0 * childSamples[at] - 1.0;
        x = -sc * childLogits[at];
        signed = sc * childSurprise(x);
      }
      xTile[q] = x;
      signedSurpriseTile[q] = signed;
      let wj = wid.x * TILE + q / DEPTH;
      var w = 0.0;
      if (wj < parents && cc < children) {
        w = params[paramBase + wj * children + cc];
      }
      wTile[q] = w;
    }
    workgroupBarrier();
    let count = min(DEPTH, children - t * DEPTH);
    for (var k = 0u; k < count; k++) {
      let signed = signedSurpriseTile[lid.y * DEPTH + k];
      // x' = x + d with d = -s Δ W[j, c] (exact in float32: s = ±1, Δ = ±1 or ±2)
      let d = -sign(signed) * delta * wTile[lid.x * DEPTH + k];
      dlog -= surpriseChange(xTile[lid.y * DEPTH + k], d, abs(signed));
    }
    workgroupBarrier();
  }
  if (inRange) {
    let at = (r * layer.capacity + b) * parents + j;
    var d = -dlog;
    if (fired) {
      d = dlog;
    }
    credit[at] = rhoDifference(parentProbs[at], d);
  }
}

// HNCA credit per value of a categorical layer (docs/math.md §7.1): each unit's hindsight
// posterior pi_i(v) rho_i(v) from its logits and its log Q (categorical_*_log_q), in the log
// domain (hindsightPosterior), so any finite logits and log Q give an entry in [0, 1].
// layer = the layer's own matrix (outWidth = U·N, categories = N).
// Grid: x × y = (examples × units) / WORKGROUP_SIZE (folded into y past the workgroup limit), z = run (REINFORCE runs return at once).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  // a REINFORCE run reads no credit (categorical_signals): nothing to compute for it
  if (runs[r].hnca == 0u) {
    return;
  }
  let n = layer.categories;
  let units = layer.outWidth / n;
  let e = flatIndex(id, groups);
  if (e >= step.batch * units) {
    return;
  }
  let at = r * layer.capacity * layer.outWidth + e * n;
  var z: Categories;
  var q: Categories;
  for (var k = 0u; k < n; k++) {
    z[k] = logits[at + k];
    q[k] = logQ[at + k];
  }
  var post: Categories;
  hindsightPosterior(&z, n, &q, &post);
  for (var k = 0u; k < n; k++) {
    credit[at + k] = post[k];
  }
}

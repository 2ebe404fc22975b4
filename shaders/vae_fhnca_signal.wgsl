// f-HNCA's per-logit gradient of encoder layer l (docs/math.md §3 terms 1–5, with the appendix-K
// switches of §7.3), for the runs whose estimator is f-HNCA; the twin of ExampleWork.fhnca in
// src/models/vae/estimators.ts. For unit i with Δ = 1 - 2φ_i, forcing φ_i to its other value
// moves each child's logit by Δ·w; per child, in the log domain (finite for any finite weights):
//   decoder below p_{l-1}:  dn   = Σ_c log σ(s_c (v_c + Δ w)) - log σ(s_c v_c)
//   encoder above q_{l+1}:  dlq  = Σ_c log σ(s_c clamp(u_c + Δ w)) - log σ(s_c clamp(u_c))
//                           dent = Σ_c H(clamp(u_c + Δ w)) - H(clamp(u_c))
// (s_c = 2φ_c - 1), then ρ = rhoPair(p, q, -Δ·dlq) and
//   g_i = p q (-ut_i + term2 + term3 + term4 + (ρ1 - ρ0)(R_l + extra - b_l)).
// Writes the gradient into `signals` and, from unit 0, the baseline target of the example.
// Grid: x × y = (examples × units) / WORKGROUP_SIZE (folded past the workgroup limit), z = run.
//
// Buffers (declared by the kernel catalog, src/backends/webgpu/kernels/catalog.ts):
//   logits   every logit region of the main pass (offsets in vl)
//   samples  every sample region of the main pass (offsets in vl)
//   pixels   the minibatch pixels [(group * capacity + example) * pixels + pixel] (layer 0)
//   signals  layer l's gradient region [(run * capacity + example) * width + unit]

/** Σ of the decoder terms m = firstDec..L and the entropies l = firstEnt..L of the main pass. */
fn upperSum(r: u32, b: u32, firstDec: u32, firstEnt: u32) -> f32 {
  let L = vl.layers;
  var s = 0.0;
  for (var m = firstDec; m <= L; m++) {
    s += terms[termIndex(vl, 0u, r, b, L + 1u + m)];
  }
  for (var k = firstEnt; k <= L; k++) {
    s += terms[termIndex(vl, 0u, r, b, k)];
  }
  return s;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let r = id.z;
  let n = vl.width;
  let e = flatIndex(id, groups);
  let run = vaeRuns[r];
  if (e >= step.batch * n || run.signal != SIGNAL_FHNCA) {
    return;
  }
  let b = e / n;
  let i = e % n;
  let l = vl.l;
  let L = vl.layers;
  let top = l == L;
  let at = (r * vl.capacity + b) * n + i;
  let phi = samples[vl.phiAt + at];
  let ut = clampLogit(logits[vl.uAt + at]);
  let p = 1.0 / (1.0 + exp(-ut));
  let q = 1.0 / (1.0 + exp(ut));
  var delta = 1.0;
  if (phi == 1.0) {
    delta = -1.0;
  }
  // children below: decoder p_{l-1}(φ_{l-1} | φ_l)
  var dn = 0.0;
  let below = vl.below;
  let wBelow = r * vl.paramsPerRun + vl.decoderOffset + i * below;
  let vBelow = vl.belowVAt + (r * vl.capacity + b) * below;
  var phiBelow = vl.belowPhiAt + (r * vl.capacity + b) * below;
  if (vl.targetIsPixels == 1u) {
    phiBelow = (run.group * vl.capacity + b) * below;
  }
  for (var c = 0u; c < below; c++) {
    var child: f32;
    if (vl.targetIsPixels == 1u) {
      child = pixels[phiBelow + c];
    } else {
      child = samples[phiBelow + c];
    }
    let s = 2.0 * child - 1.0;
    let v = logits[vBelow + c];
    dn += logSigmoid(s * (v + delta * params[wBelow + c])) - logSigmoid(s * v);
  }
  // children above: encoder q_{l+1}(φ_{l+1} | φ_l)
  var dlq = 0.0;
  var dent = 0.0;
  if (!top) {
    let above = vl.above;
    let wAbove = r * vl.paramsPerRun + vl.encoderOffset + i * above;
    let uAbove = vl.aboveUAt + (r * vl.capacity + b) * above;
    let phiAbove = vl.abovePhiAt + (r * vl.capacity + b) * above;
    for (var c = 0u; c < above; c++) {
      let s = 2.0 * samples[phiAbove + c] - 1.0;
      let u = logits[uAbove + c];
      let actual = clampLogit(u);
      let flipped = clampLogit(u + delta * params[wAbove + c]);
      dlq += logSigmoid(s * flipped) - logSigmoid(s * actual);
      dent += bernoulliEntropy(flipped) - bernoulliEntropy(actual);
    }
  }
  // components: R_l (further up), the ablations' extra, the decoder term above
  var furtherUp = 0.0;
  if (!top) {
    furtherUp = upperSum(r, b, l + 1u, l + 2u);
  }
  var extra = 0.0;
  if (run.allChildren == 1u) {
    extra += terms[termIndex(vl, 0u, r, b, L + l)]; // Dec_{l-1}
    if (!top) {
      extra += terms[termIndex(vl, 0u, r, b, l + 1u)]; // Ent_{l+1}
    }
  }
  if (run.fullReward == 1u) {
    // upstream(l): Ent_1..Ent_l and Dec_0..Dec_{l-2}
    for (var k = 1u; k <= l; k++) {
      extra += terms[termIndex(vl, 0u, r, b, k)];
    }
    for (var m = 0u; m + 2u <= l; m++) {
      extra += terms[termIndex(vl, 0u, r, b, L + 1u + m)];
    }
  }
  var baseline = 0.0;
  if (run.useBaseline == 1u) {
    baseline = run.baselines[l];
  }
  let decAbove = terms[termIndex(vl, 0u, r, b, L + 1u + l)];
  let mediated = furtherUp + extra - baseline;
  if (i == 0u) {
    targets[(r * vl.capacity + b) * (L + 1u) + l] = furtherUp + extra + decAbove;
  }
  var rho = vec2f(1.0, 1.0);
  var term4 = 0.0;
  var flipWeight = delta;
  if (run.allChildren == 1u) {
    flipWeight = select(rho.x, -rho.y, phi == 1.0);
  }
  if (!top) {
    rho = rhoPair(p, q, -delta * dlq);
    if (run.allChildren == 1u) {
      flipWeight = select(rho.x, -rho.y, phi == 1.0);
    }
    term4 = flipWeight * dent;
  }
  let term2 = flipWeight * dn;
  // term 3: the decoder term above, whose logit v_i does not depend on φ_l
  let v = logits[vl.vAt + at];
  let lp = logSigmoid(v);
  let lq = lp - v;
  var own = lq;
  if (phi == 1.0) {
    own = lp;
  }
  let term3 = rho.x * lp - rho.y * lq + (rho.x - rho.y) * (decAbove - own);
  let s = -ut + term2 + term3 + term4 + (rho.x - rho.y) * mediated;
  signals[at] = p * q * s;
}

// Counterfactual quantities of f-HNCA (DESIGN.md §2 "Messages", §3 terms 2–4). Forcing 0/1
// parent j to its other value moves child c's logit by Δ_j·w_jc with Δ_j = 1 - 2φ_j.
// With p_c = σ(v_c), q_c = σ(-v_c) and the per-update tables exp(±W):
//   log σ(s(v+Δw)) - log σ(s v) = -log(p + q·e^{-Δw}) - Δw·[child = 0]
//   H(σ(v+Δw)) - H(σ(v))         = log(q + p·e^{Δw}) - (v+Δw)·σ(v+Δw) + v·p,  σ(v+Δw) = p·e^{Δw}/(q + p·e^{Δw})
// Each factor lies within exp(±|w|), so products of `chunk` factors stay finite and one
// log per chunk replaces one log per edge.
import type { ParamArray } from './params.ts';
import { bernoulliEntropy, clampLogit, LOGIT_CLIP, logSigmoid } from './math.ts';

/** exp(±W) of one input-major matrix [rows = parents × cols = children], refreshed every update. */
export class ExpTables {
  readonly pos: Float64Array;
  readonly neg: Float64Array;
  /** per child: the largest |w| over its parents (clipped children use it to find the exact path) */
  readonly colMaxAbs: Float64Array;
  /** per parent: Σ_c w_jc */
  readonly rowSum: Float64Array;
  chunk = 64;
  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.pos = new Float64Array(rows * cols);
    this.neg = new Float64Array(rows * cols);
    this.colMaxAbs = new Float64Array(cols);
    this.rowSum = new Float64Array(rows);
  }
  update(w: ParamArray): void {
    const { rows, cols, pos, neg, colMaxAbs, rowSum } = this;
    colMaxAbs.fill(0);
    let maxAbs = 0;
    for (let j = 0, k = 0; j < rows; j++) {
      let sum = 0;
      for (let c = 0; c < cols; c++, k++) {
        const x = w[k];
        sum += x;
        const e = Math.exp(x);
        pos[k] = e;
        neg[k] = 1 / e;
        const a = x < 0 ? -x : x;
        if (a > colMaxAbs[c]) colMaxAbs[c] = a;
        if (a > maxAbs) maxAbs = a;
      }
      rowSum[j] = sum;
    }
    // |log factor| <= maxAbs, so a chunk's product lies within exp(±600)
    this.chunk = maxAbs > 0 ? Math.max(1, Math.min(64, Math.floor(600 / maxAbs))) : 64;
  }
}

/**
 * Unclipped Bernoulli children (decoder layers): out[j] = log p(children | parent j flipped)
 * - log p(children | actual), for every parent j < nParents.
 * p, q: σ(±v) of the children's actual logits; the children that are 1: on[0..onCount).
 * Σ_{c = 0} w_jc = rowSum_j - Σ_{c on} w_jc (few pixels are on).
 */
export function flipLogProbDelta(
  w: ParamArray,
  t: ExpTables,
  parents: Uint8Array,
  nParents: number,
  p: Float64Array,
  q: Float64Array,
  on: Int32Array,
  onCount: number,
  nChildren: number,
  out: Float64Array,
): void {
  const K = t.chunk;
  for (let j = 0; j < nParents; j++) {
    const r = j * nChildren;
    const parentOn = parents[j] === 1;
    const e = parentOn ? t.pos : t.neg; // e^{-Δw}
    let logSum = 0;
    for (let c0 = 0; c0 < nChildren; c0 += K) {
      const end = c0 + K < nChildren ? c0 + K : nChildren;
      let prod = 1;
      for (let c = c0; c < end; c++) prod *= p[c] + q[c] * e[r + c];
      logSum += Math.log(prod);
    }
    let onSum = 0;
    for (let k = 0; k < onCount; k++) onSum += w[r + on[k]];
    const lin = t.rowSum[j] - onSum;
    out[j] = -logSum - (parentOn ? -lin : lin);
  }
}

/**
 * Clipped encoder children (the next encoder layer, DESIGN.md §3 terms 4 and rho):
 * outLogQ[j] = log Q(parent j flipped) - log Q(actual) and
 * outEnt[j]  = H(children | parent j flipped) - H(children | actual).
 * u: children's raw logits, ut: clamped logits, p, q: σ(±ut); children that are 1: on[0..onCount).
 * With f = p + q·e^{-Δw}: q + p·e^{Δw} = e^{Δw}·f and σ(ut+Δw) = p/f, so one product serves
 * both sums. A child whose logit could reach the clip under some flip
 * (|u| + max|w| > LOGIT_CLIP) is redone exactly.
 */
export function encoderChildDeltas(
  w: ParamArray,
  t: ExpTables,
  parents: Uint8Array,
  nParents: number,
  u: Float64Array,
  ut: Float64Array,
  p: Float64Array,
  q: Float64Array,
  children: Uint8Array,
  on: Int32Array,
  onCount: number,
  nChildren: number,
  outLogQ: Float64Array,
  outEnt: Float64Array,
): void {
  const K = t.chunk;
  let basePU = 0;
  for (let c = 0; c < nChildren; c++) basePU += ut[c] * p[c];
  for (let j = 0; j < nParents; j++) {
    const r = j * nChildren;
    const delta = parents[j] === 1 ? -1 : 1;
    const e = delta > 0 ? t.neg : t.pos; // e^{-Δw}
    let logR = 0;
    let sH = 0;
    for (let c0 = 0; c0 < nChildren; c0 += K) {
      const end = c0 + K < nChildren ? c0 + K : nChildren;
      let prod = 1;
      for (let c = c0; c < end; c++) {
        const k = r + c;
        const f = p[c] + q[c] * e[k];
        prod *= f;
        sH += ((ut[c] + delta * w[k]) * p[c]) / f;
      }
      logR += Math.log(prod);
    }
    let onSum = 0;
    for (let k = 0; k < onCount; k++) onSum += w[r + on[k]];
    const rowSum = t.rowSum[j];
    outLogQ[j] = -logR - delta * (rowSum - onSum); // Σ over children that are 0
    outEnt[j] = logR + delta * rowSum - sH + basePU;
  }
  for (let c = 0; c < nChildren; c++) {
    if ((u[c] < 0 ? -u[c] : u[c]) + t.colMaxAbs[c] <= LOGIT_CLIP) continue;
    const s = children[c] === 1 ? 1 : -1;
    const actualLog = logSigmoid(s * ut[c]);
    const actualH = bernoulliEntropy(ut[c]);
    for (let j = 0; j < nParents; j++) {
      const k = j * nChildren + c;
      const delta = parents[j] === 1 ? -1 : 1;
      const dw = delta * w[k];
      // what the fast loop added for this edge
      const f = p[c] + q[c] * (delta > 0 ? t.neg[k] : t.pos[k]);
      const fastR = -Math.log(f) - (s < 0 ? dw : 0);
      const fastH = Math.log(f) + dw - ((ut[c] + dw) * p[c]) / f + ut[c] * p[c];
      const uc = clampLogit(u[c] + dw);
      outLogQ[j] += logSigmoid(s * uc) - actualLog - fastR;
      outEnt[j] += bernoulliEntropy(uc) - actualH - fastH;
    }
  }
}

// Counterfactual quantities of f-HNCA (docs/math.md §2 "Messages", §3 terms 2–4). Forcing 0/1
// parent j to its other value moves child c's logit by Δ_j·w_jc with Δ_j = 1 - 2φ_j.
// With p_c = σ(v_c), q_c = σ(-v_c) and the per-update tables exp(±W) (units/flipTables.ts, m = 1):
//   log σ(s(v+Δw)) - log σ(s v) = -log(p + q·e^{-Δw}) - Δw·[child = 0]
//   H(σ(v+Δw)) - H(σ(v))         = log(q + p·e^{Δw}) - (v+Δw)·σ(v+Δw) + v·p,  σ(v+Δw) = p·e^{Δw}/(q + p·e^{Δw})
// Each factor lies within exp(±|w|), so products of `chunk` factors stay finite and one
// log per chunk replaces one log per edge.
import { bernoulliEntropy, clampLogit, LOGIT_CLIP, logSigmoid } from '../units/bernoulli.ts';
import type { FlipTables } from '../units/flipTables.ts';
import type { ParamArray } from './params.ts';
import { commonKernels } from '../../simd/wasmKernels.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import type { VaeParams } from './params.ts';

/**
 * Largest |w| for the table loops: exp(±w) and each factor stay within e^±600 (finite, not 0).
 * Beyond it every edge is computed in the log domain (a logSigmoid per edge): any finite
 * weights give finite messages (docs/math.md §2, issue 10).
 */
const FAST_SHIFT = 600;

/**
 * Children per product in the fast loops (0: the log-domain path): every factor lies within exp(±largestShift), so a
 * product of this many stays within exp(±600).
 */
export function productChunk(t: FlipTables): number {
  if (t.largestShift > FAST_SHIFT) return 0;
  const maxAbs = t.largestShift;
  return maxAbs > 0 ? Math.max(1, Math.min(64, Math.floor(600 / maxAbs))) : 64;
}

/**
 * Unclipped Bernoulli children (decoder layers): out[j] = log p(children | parent j flipped)
 * - log p(children | actual), for every parent j < nParents.
 * p, q: σ(±v) of the children's actual logits; the children that are 1: on[0..onCount).
 * Σ_{c = 0} w_jc = rowSum_j - Σ_{c on} w_jc (few pixels are on). v, children: the children's
 * logits and 0/1 values, read when the weights are beyond the tables' range (log-domain path);
 * throws without them then.
 */
export function flipLogProbDelta(
  w: ParamArray,
  t: FlipTables,
  parents: Uint8Array,
  nParents: number,
  p: Float64Array,
  q: Float64Array,
  on: Int32Array,
  onCount: number,
  nChildren: number,
  out: Float64Array,
  K = productChunk(t),
  v?: Float64Array,
  children?: Uint8Array,
): void {
  if (K === 0) {
    if (!v || !children) throw new Error('flipLogProbDelta: weights beyond the table range need the children logits and values');
    for (let j = 0; j < nParents; j++) {
      const r = j * nChildren;
      const delta = parents[j] === 1 ? -1 : 1;
      let sum = 0;
      for (let c = 0; c < nChildren; c++) {
        const s = children[c] === 1 ? 1 : -1;
        sum += logSigmoid(s * (v[c] + delta * w[r + c])) - logSigmoid(s * v[c]);
      }
      out[j] = sum;
    }
    return;
  }
  // float32 weights and every array in one WASM kernel memory: vaeFlipDecoder, bit for bit
  const kernels = w instanceof Float32Array ? commonKernels(w, t.table, t.rowSum, parents, p, q, on, out) : null;
  if (kernels) {
    kernels.exports.vaeFlipDecoder(w.byteOffset, t.table.byteOffset, t.rowSum.byteOffset, parents.byteOffset, nParents, p.byteOffset, q.byteOffset, on.byteOffset, onCount, nChildren, K, out.byteOffset);
    return;
  }
  for (let j = 0; j < nParents; j++) {
    const r = j * nChildren;
    const parentOn = parents[j] === 1;
    const e = t.table;
    const slot = parentOn ? 0 : 1; // e^{-Δw}: exp(+w) when φ_j = 1, exp(−w) when 0
    let logSum = 0;
    for (let c0 = 0; c0 < nChildren; c0 += K) {
      const end = c0 + K < nChildren ? c0 + K : nChildren;
      let prod = 1;
      for (let c = c0; c < end; c++) prod *= p[c] + q[c] * e[2 * (r + c) + slot];
      logSum += Math.log(prod);
    }
    let onSum = 0;
    for (let k = 0; k < onCount; k++) onSum += w[r + on[k]];
    const lin = t.rowSum[j] - onSum;
    out[j] = -logSum - (parentOn ? -lin : lin);
  }
}

/**
 * Clipped encoder children (the next encoder layer, docs/math.md §3 terms 4 and rho):
 * outLogQ[j] = log Q(parent j flipped) - log Q(actual) and
 * outEnt[j]  = H(children | parent j flipped) - H(children | actual).
 * u: children's raw logits, ut: clamped logits, p, q: σ(±ut); children that are 1: on[0..onCount).
 * With f = p + q·e^{-Δw}: q + p·e^{Δw} = e^{Δw}·f and σ(ut+Δw) = p/f, so one product serves
 * both sums. A child whose logit could reach the clip under some flip
 * (|u| + max|w| > LOGIT_CLIP) is redone exactly; weights beyond the tables' range (K = 0) take
 * that exact per-edge path for every child.
 */
export function encoderChildDeltas(
  w: ParamArray,
  t: FlipTables,
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
  K = productChunk(t),
): void {
  if (K === 0) {
    outLogQ.fill(0, 0, nParents);
    outEnt.fill(0, 0, nParents);
  }
  const base = basePU(ut, p, nChildren);
  // float32 weights and every array in one WASM kernel memory: vaeFlipEncoder, bit for bit
  const kernels = K > 0 && w instanceof Float32Array ? commonKernels(w, t.table, t.rowSum, parents, ut, p, q, on, outLogQ, outEnt) : null;
  if (kernels) {
    kernels.exports.vaeFlipEncoder(w.byteOffset, t.table.byteOffset, t.rowSum.byteOffset, parents.byteOffset, nParents, ut.byteOffset, p.byteOffset, q.byteOffset, on.byteOffset, onCount, nChildren, K, base, outLogQ.byteOffset, outEnt.byteOffset);
  }
  for (let j = 0; j < nParents && K > 0 && !kernels; j++) {
    const r = j * nChildren;
    const delta = parents[j] === 1 ? -1 : 1;
    const e = t.table;
    const slot = delta > 0 ? 1 : 0; // e^{-Δw}
    let logR = 0;
    let sH = 0;
    for (let c0 = 0; c0 < nChildren; c0 += K) {
      const end = c0 + K < nChildren ? c0 + K : nChildren;
      let prod = 1;
      for (let c = c0; c < end; c++) {
        const k = r + c;
        const f = p[c] + q[c] * e[2 * k + slot];
        prod *= f;
        sH += ((ut[c] + delta * w[k]) * p[c]) / f;
      }
      logR += Math.log(prod);
    }
    let onSum = 0;
    for (let k = 0; k < onCount; k++) onSum += w[r + on[k]];
    const rowSum = t.rowSum[j];
    outLogQ[j] = -logR - delta * (rowSum - onSum); // Σ over children that are 0
    outEnt[j] = logR + delta * rowSum - sH + base;
  }
  encoderClipRedo(w, t, parents, nParents, u, ut, p, q, children, nChildren, outLogQ, outEnt, K);
}

/** Σ_c ut[c]·p[c] in child order: the entropy delta's base term (encoderChildDeltas). */
export function basePU(ut: Float64Array, p: Float64Array, nChildren: number): number {
  let sum = 0;
  for (let c = 0; c < nChildren; c++) sum += ut[c] * p[c];
  return sum;
}

/**
 * encoderChildDeltas' second part, after its table loop (K > 0) or zero-filled outputs (K = 0):
 * every child whose logit could reach the clip under a flip (|u| + maxShift > LOGIT_CLIP), or
 * every child when K = 0, is redone exactly in the log domain (arguments as encoderChildDeltas).
 */
export function encoderClipRedo(
  w: ParamArray,
  t: FlipTables,
  parents: Uint8Array,
  nParents: number,
  u: Float64Array,
  ut: Float64Array,
  p: Float64Array,
  q: Float64Array,
  children: Uint8Array,
  nChildren: number,
  outLogQ: Float64Array,
  outEnt: Float64Array,
  K: number,
): void {
  for (let c = 0; c < nChildren; c++) {
    if (K > 0 && (u[c] < 0 ? -u[c] : u[c]) + t.maxShift[c] <= LOGIT_CLIP) continue;
    const s = children[c] === 1 ? 1 : -1;
    const actualLog = logSigmoid(s * ut[c]);
    const actualH = bernoulliEntropy(ut[c]);
    for (let j = 0; j < nParents; j++) {
      const k = j * nChildren + c;
      const delta = parents[j] === 1 ? -1 : 1;
      const dw = delta * w[k];
      const uc = clampLogit(u[c] + dw);
      if (K === 0) {
        // log-domain path: every edge exactly
        outLogQ[j] += logSigmoid(s * uc) - actualLog;
        outEnt[j] += bernoulliEntropy(uc) - actualH;
        continue;
      }
      // what the fast loop added for this edge
      const f = p[c] + q[c] * t.table[2 * k + (delta > 0 ? 1 : 0)];
      const fastR = -Math.log(f) - (s < 0 ? dw : 0);
      const fastH = Math.log(f) + dw - ((ut[c] + dw) * p[c]) / f + ut[c] * p[c];
      outLogQ[j] += logSigmoid(s * uc) - actualLog - fastR;
      outEnt[j] += bernoulliEntropy(uc) - actualH - fastH;
    }
  }
}

/** What the slab flip kernels read per example: 8 int32 offsets ([slab, 8]) and basePU ([slab]). */
export class FlipSlabScratch {
  readonly rec: Int32Array;
  readonly base: Float64Array;
  /** `arrays`: a run's WASM kernel arena (the kernels read these). */
  constructor(
    readonly slab: number,
    arrays: ArrayAllocator = heapArrays,
  ) {
    this.rec = arrays.i32(8 * slab);
    this.base = arrays.f64(slab);
  }
}

/** One example's arrays the slab flip kernels read and write (the ExampleWork fields f-HNCA uses). */
export interface FlipExample {
  main: { phi: Uint8Array[]; on: Int32Array[]; onCount: number[]; u: Float64Array[]; ut: Float64Array[]; p: Float64Array[]; q: Float64Array[]; dp: Float64Array[]; dq: Float64Array[] };
  dn: Float64Array[];
  dlq: Float64Array[];
  dent: Float64Array[];
}

/**
 * f-HNCA's flip deltas of examples[0..n) (each after its forward pass) for every layer l = 1..L
 * at once: dn[l] as flipLogProbDelta and dlq[l], dent[l] (l < L) as encoderChildDeltas, in the
 * WASM slab kernels (wasm/kernels.ts vaeFlipDecoderSlab, vaeFlipEncoderSlab: the children's
 * chunk outermost, so each block of the flip table is read once per slab, not once per
 * example), with the exact redo of children near the clip per example in JS. The same float64
 * operations per (example, parent) as the one-example paths: bit for bit. Returns false and
 * writes nothing where they do not apply (weights beyond the tables' range, float64 weights, or
 * arrays outside one kernel memory): the caller then takes the per-example path.
 * Shapes: tables as VaeTables ([sizes[l], sizes[l-1]] decoder, [sizes[l], sizes[l+1]] encoder).
 */
export function slabFlipDeltas(params: VaeParams, dec: readonly FlipTables[], enc: readonly FlipTables[], examples: readonly FlipExample[], n: number, scratch: FlipSlabScratch): boolean {
  const L = params.shape.layers;
  const { sizes } = params;
  if (n > scratch.slab || n > examples.length) return false;
  const { rec, base } = scratch;
  const kernels = commonKernels(rec, base);
  if (!kernels) return false;
  const inMemory = (...arrays: ArrayBufferView[]): boolean => arrays.every((a) => a.buffer === kernels.memory.buffer);
  for (let l = 1; l <= L; l++) {
    const w = params.decW[l - 1];
    if (!(w instanceof Float32Array) || productChunk(dec[l - 1]) === 0 || !inMemory(w, dec[l - 1].table, dec[l - 1].rowSum)) return false;
    if (l < L) {
      const we = params.encW[l];
      if (!(we instanceof Float32Array) || productChunk(enc[l]) === 0 || !inMemory(we, enc[l].table, enc[l].rowSum)) return false;
    }
  }
  for (let b = 0; b < n; b++) {
    const { main, dn, dlq, dent } = examples[b];
    if (!inMemory(...main.phi, ...main.on, ...main.ut, ...main.p, ...main.q, ...main.dp, ...main.dq, ...dn, ...dlq, ...dent)) return false;
  }
  const e = kernels.exports;
  for (let l = 1; l <= L; l++) {
    const t = dec[l - 1];
    for (let b = 0; b < n; b++) {
      const { main, dn } = examples[b];
      const r = 8 * b;
      rec[r] = main.phi[l].byteOffset;
      rec[r + 1] = main.dp[l - 1].byteOffset;
      rec[r + 2] = main.dq[l - 1].byteOffset;
      rec[r + 3] = main.on[l - 1].byteOffset;
      rec[r + 4] = main.onCount[l - 1];
      rec[r + 5] = dn[l].byteOffset;
    }
    e.vaeFlipDecoderSlab(params.decW[l - 1].byteOffset, t.table.byteOffset, t.rowSum.byteOffset, sizes[l], sizes[l - 1], productChunk(t), n, rec.byteOffset);
    if (l === L) continue;
    const te = enc[l];
    const w = params.encW[l];
    const K = productChunk(te);
    for (let b = 0; b < n; b++) {
      const { main, dlq, dent } = examples[b];
      const r = 8 * b;
      rec[r] = main.phi[l].byteOffset;
      rec[r + 1] = main.p[l + 1].byteOffset;
      rec[r + 2] = main.q[l + 1].byteOffset;
      rec[r + 3] = main.on[l + 1].byteOffset;
      rec[r + 4] = main.onCount[l + 1];
      rec[r + 5] = dlq[l].byteOffset;
      rec[r + 6] = main.ut[l + 1].byteOffset;
      rec[r + 7] = dent[l].byteOffset;
      base[b] = basePU(main.ut[l + 1], main.p[l + 1], sizes[l + 1]);
    }
    e.vaeFlipEncoderSlab(w.byteOffset, te.table.byteOffset, te.rowSum.byteOffset, sizes[l], sizes[l + 1], K, n, rec.byteOffset, base.byteOffset);
    for (let b = 0; b < n; b++) {
      const { main, dlq, dent } = examples[b];
      encoderClipRedo(w, te, main.phi[l], sizes[l], main.u[l + 1], main.ut[l + 1], main.p[l + 1], main.q[l + 1], main.phi[l + 1], sizes[l + 1], dlq[l], dent[l], K);
    }
  }
  return true;
}

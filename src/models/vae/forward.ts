// One example's stochastic forward pass through encoder and decoder (docs/math.md §3):
// layer values, logits, probabilities and every function component of the ELBO.
import type { VaeDraws } from './draws.ts';
import { clampLogit, LOGIT_CLIP } from '../units/bernoulli.ts';
import type { ParamArray, VaeParams } from './params.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { commonKernels, kernelsOf } from '../../simd/wasmKernels.ts';

/** Values and per-layer quantities of one pass; index l = 0..L (layer 0 = the pixels). */
export class PassState {
  /** 0/1 values φ_l (φ_0 = x) */
  readonly phi: Uint8Array[];
  /** indices of the units that are 1, and how many */
  readonly on: Int32Array[];
  readonly onCount: number[];
  /** encoder layer l = 1..L: raw logit u, clamped logit ut, p = σ(ut), q = σ(-ut) */
  readonly u: Float64Array[];
  readonly ut: Float64Array[];
  readonly p: Float64Array[];
  readonly q: Float64Array[];
  /** Ent[l] = H(q_l(.|φ_{l-1})), l = 1..L */
  readonly ent: Float64Array;
  /** decoder m = 0..L (m = L: prior): logit v, P = σ(v), Q = σ(-v) of p_m(φ_m | φ_{m+1}) */
  readonly v: Float64Array[];
  readonly dp: Float64Array[];
  readonly dq: Float64Array[];
  /** Dec[m] = log p_m(φ_m | φ_{m+1}) (Dec[L]: log prior) */
  readonly dec: Float64Array;
  /** `arrays`: where the arrays live (a run's WASM kernel arena in the CPU engine). */
  constructor(
    readonly sizes: readonly number[],
    arrays: ArrayAllocator = heapArrays,
  ) {
    const n = sizes.length;
    const f = (): Float64Array[] => sizes.map((s) => arrays.f64(s));
    this.phi = sizes.map((s) => arrays.u8(s));
    this.on = sizes.map((s) => arrays.i32(s));
    this.onCount = sizes.map(() => 0);
    this.u = f();
    this.ut = f();
    this.p = f();
    this.q = f();
    this.v = f();
    this.dp = f();
    this.dq = f();
    this.ent = new Float64Array(n);
    this.dec = new Float64Array(n);
  }

  /** Sets φ_0 from the on-pixel indices onIndex[start..end) (any order; ascending ones are the on-list as given). */
  setInput(onIndex: ArrayLike<number>, start: number, end: number): void {
    const phi = this.phi[0];
    const on = this.on[0];
    phi.fill(0);
    let last = -1;
    let ascending = true;
    for (let k = start; k < end; k++) {
      const j = onIndex[k];
      if (j <= last) ascending = false;
      phi[j] = 1;
      on[k - start] = j;
      last = j;
    }
    // the on-list is φ_0's indices in increasing order: as given when ascending, else rebuilt
    if (ascending) this.onCount[0] = end - start;
    else this.index(0);
  }

  /** Rebuilds the on-list of layer l from φ_l. */
  index(l: number): void {
    const phi = this.phi[l];
    const on = this.on[l];
    const kernels = commonKernels(phi, on);
    if (kernels) {
      this.onCount[l] = kernels.exports.indexOn(phi.byteOffset, phi.length, on.byteOffset);
      return;
    }
    let n = 0;
    for (let i = 0; i < phi.length; i++) {
      if (phi[i] === 1) on[n++] = i;
    }
    this.onCount[l] = n;
  }

  /** Copies layer l's values (and index) from another pass. */
  copyLayer(from: PassState, l: number): void {
    this.phi[l].set(from.phi[l]);
    this.on[l].set(from.on[l]);
    this.onCount[l] = from.onCount[l];
  }
}

/** p[i] = σ(z), q[i] = σ(-z); returns log σ(z). Two transcendental calls. */
function bernoulliParts(z: number, p: Float64Array, q: Float64Array, i: number): number {
  const e = Math.exp(z < 0 ? z : -z);
  const r = 1 / (1 + e);
  if (z >= 0) {
    p[i] = r;
    q[i] = e * r;
    return -Math.log1p(e);
  }
  p[i] = e * r;
  q[i] = r;
  return z - Math.log1p(e);
}

/**
 * out = b + Σ_{j on} W[j, :] (0/1 inputs: rows are added, no multiplies); w [inputs, nOut],
 * b [nOut]. The JavaScript reference sums in float64; float32 parameters in the arrays' WASM
 * kernel memory take wasm/kernels.ts vaeAffine, which sums in float32 (the VAE's float32 path,
 * docs/math.md §5).
 */
function affine(w: ParamArray, b: ParamArray, on: Int32Array, onCount: number, nOut: number, out: Float64Array): void {
  const kernels = w instanceof Float32Array && b instanceof Float32Array ? commonKernels(w, b, on, out) : null;
  if (kernels) {
    kernels.exports.vaeAffine(w.byteOffset, b.byteOffset, on.byteOffset, onCount, nOut, out.byteOffset);
    return;
  }
  for (let i = 0; i < nOut; i++) out[i] = b[i];
  for (let k = 0; k < onCount; k++) {
    const r = on[k] * nOut;
    for (let i = 0; i < nOut; i++) out[i] += w[r + i];
  }
}

/**
 * The affine of n passes at once: for e < n, states[e].{u|v}[layer] = b + Σ_{j on in states[e]'s
 * layer `from`} W[j, :] (w [inputs, nOut], b [nOut]). With `records` (int32 [4 · n] in the same
 * kernel memory as every array) one vaeAffineSlab call, which keeps each block of W in cache for
 * the whole slab; else affine per pass (the same float32 sums in the same order, or the JS reference).
 */
function affineSlab(w: ParamArray, b: ParamArray, states: readonly PassState[], from: number, logits: 'u' | 'v', layer: number, n: number, nOut: number, records: Int32Array | null): void {
  const kernels = records && n > 1 && w instanceof Float32Array && b instanceof Float32Array ? commonKernels(w, b, records) : null;
  if (kernels && records) {
    let together = true;
    for (let e = 0; e < n && together; e++) {
      const on = states[e].on[from];
      const out = states[e][logits][layer];
      together = kernelsOf(on) === kernels && kernelsOf(out) === kernels;
      records[4 * e] = on.byteOffset;
      records[4 * e + 1] = states[e].onCount[from];
      records[4 * e + 2] = out.byteOffset;
    }
    if (together) {
      kernels.exports.vaeAffineSlab(w.byteOffset, b.byteOffset, nOut, n, records.byteOffset);
      return;
    }
  }
  for (let e = 0; e < n; e++) affine(w, b, states[e].on[from], states[e].onCount[from], nOut, states[e][logits][layer]);
}

/** Encoder layer l's logits u_l of n passes from their own layer l − 1 (affineSlab). */
function encoderLogitsSlab(params: VaeParams, l: number, states: readonly PassState[], n: number, records: Int32Array | null): void {
  affineSlab(params.encW[l - 1], params.encB[l - 1], states, l - 1, 'u', l, n, params.sizes[l], records);
}

/** Decoder term m's logits v_m of n passes from their own layer m + 1 (the prior's bias at m = L). */
function decoderLogitsSlab(params: VaeParams, m: number, states: readonly PassState[], n: number, records: Int32Array | null): void {
  if (m === params.shape.layers) {
    const b = params.decB[m];
    for (let e = 0; e < n; e++) states[e].v[m].set(b);
  } else affineSlab(params.decW[m], params.decB[m], states, m + 1, 'v', m, n, params.sizes[m], records);
}

/**
 * Encoder layer l's units from its logits u_l (set): ut, p, q and Ent[l] = H(q_l(.|φ_{l-1}))
 * (nats), set and returned. The kernels' float32 lanes where the arrays are in one kernel memory
 * (vaeEncoderUnits), else the float64 reference.
 */
function encoderUnits(params: VaeParams, l: number, s: PassState): number {
  const n = params.sizes[l];
  const u = s.u[l];
  const ut = s.ut[l];
  const p = s.p[l];
  const q = s.q[l];
  const kernels = commonKernels(u, ut, p, q);
  if (kernels) {
    s.ent[l] = kernels.exports.vaeEncoderUnits(u.byteOffset, ut.byteOffset, p.byteOffset, q.byteOffset, n, LOGIT_CLIP);
    return s.ent[l];
  }
  let h = 0;
  for (let i = 0; i < n; i++) {
    const z = clampLogit(u[i]);
    ut[i] = z;
    const lp = bernoulliParts(z, p, q, i);
    h -= p[i] * lp + q[i] * (lp - z); // log σ(-z) = log σ(z) - z
  }
  s.ent[l] = h;
  return h;
}

/**
 * Decoder term m's units from its logits v_m (set): dp, dq and Dec[m] = log p_m(target φ_m |
 * φ_{m+1}) (nats), set and returned; with `grad` ([sizes[m]]) also φ_m,i − σ(v_i). The kernels'
 * float32 lanes where the arrays are in one kernel memory (vaeDecoderUnits), else float64.
 */
function decoderUnits(params: VaeParams, m: number, s: PassState, target: PassState, grad?: Float64Array): number {
  const n = params.sizes[m];
  const v = s.v[m];
  const t = target.phi[m];
  const dp = s.dp[m];
  const dq = s.dq[m];
  const kernels = grad ? commonKernels(v, t, dp, dq, grad) : commonKernels(v, t, dp, dq);
  if (kernels) {
    s.dec[m] = kernels.exports.vaeDecoderUnits(v.byteOffset, t.byteOffset, dp.byteOffset, dq.byteOffset, n, grad ? grad.byteOffset : 0);
    return s.dec[m];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const lp = bernoulliParts(v[i], dp, dq, i);
    sum += t[i] === 1 ? lp : lp - v[i];
  }
  if (grad) for (let i = 0; i < n; i++) grad[i] = t[i] - dp[i];
  s.dec[m] = sum;
  return sum;
}

/** Encoder layer l's logits and probabilities from φ_{l-1} of `input` (default s); sets and returns Ent[l]. */
export function encoderLayer(params: VaeParams, l: number, s: PassState, input: PassState = s): number {
  affine(params.encW[l - 1], params.encB[l - 1], input.on[l - 1], input.onCount[l - 1], params.sizes[l], s.u[l]);
  return encoderUnits(params, l, s);
}

/**
 * Decoder term m: log p_m(target φ_m | input φ_{m+1}) (the prior when m = L); sets Dec[m]. With
 * `grad` ([sizes[m]]) also its logit gradient grad[i] = φ_m,i − σ(v_i) (docs/math.md §3).
 */
export function decoderLayer(params: VaeParams, m: number, s: PassState, target: PassState = s, grad?: Float64Array): number {
  if (m === params.shape.layers) s.v[m].set(params.decB[m]);
  else affine(params.decW[m], params.decB[m], s.on[m + 1], s.onCount[m + 1], params.sizes[m], s.v[m]);
  return decoderUnits(params, m, s, target, grad);
}

/** Samples encoder layer l of pass `pass` into s (after encoderLayer). */
export function sampleLayer(params: VaeParams, draws: VaeDraws, pass: number, l: number, s: PassState): void {
  draws.bernoulli(pass, l, s.p[l], params.sizes[l], s.phi[l]);
  s.index(l);
}

/** Σ of b over the units of s's layer L that are 1 (its on-list, in order). */
function onBiasSum(b: ParamArray, s: PassState, L: number): number {
  const on = s.on[L];
  let sum = 0;
  for (let k = 0; k < s.onCount[L]; k++) sum += b[on[k]];
  return sum;
}

/**
 * The prior's term (decoder m = L, logits v = its bias b for every example) of n passes, added to
 * sums[e]: with `records` (the kernel path) its units once, on states[0] (dp, dq copied to the
 * others), and each example's log p(φ_L) = Σ_i log σ(b_i) − Σ_{i: φ_L,i = 0} b_i from its on-list;
 * else decoderUnits per example. grads[e][L] (when given) = φ_L − σ(b), taken as σ(−b) where φ = 1.
 */
function priorSlab(params: VaeParams, states: readonly PassState[], n: number, sums: Float64Array, grads: readonly (readonly Float64Array[])[] | undefined, records: Int32Array | null): void {
  const L = params.shape.layers;
  if (!records || n === 1) {
    for (let e = 0; e < n; e++) sums[e] += decoderUnits(params, L, states[e], states[e], grads?.[e][L]);
    return;
  }
  const b = params.decB[L];
  const first = states[0];
  const dec0 = decoderUnits(params, L, first, first, grads?.[0][L]);
  sums[0] += dec0;
  // Σ_i log σ(b_i) = Dec_L(0) + Σ_{i off in example 0} b_i; Σ_{i off} b_i = Σ b − Σ_{i on} b_i
  let all = 0;
  for (let i = 0; i < b.length; i++) all += b[i];
  const logSigmoids = dec0 + all - onBiasSum(b, first, L);
  const dp = first.dp[L];
  const dq = first.dq[L];
  for (let e = 1; e < n; e++) {
    const s = states[e];
    s.dp[L].set(dp);
    s.dq[L].set(dq);
    s.dec[L] = logSigmoids - all + onBiasSum(b, s, L);
    sums[e] += s.dec[L];
    const grad = grads?.[e][L];
    if (grad) {
      const t = s.phi[L];
      for (let i = 0; i < b.length; i++) grad[i] = t[i] === 1 ? dq[i] : -dp[i];
    }
  }
}

/**
 * The main pass of a slab of n examples, layer by layer (each layer's affine for the whole slab
 * at once, affineSlab): encoder layers (sampled), then every decoder term. elbos[e] = the
 * single-sample ELBO of states[e] (nats). `onExample(e)` selects example e's draws before its
 * samples (RngDraws.setExample; the draws are keyed by example, so this order gives the samples
 * of one example at a time). `antithetic[e]`: DisARM's antithetic layers; `decGrads[e]` (m =
 * 0..L): also every decoder term's logit gradient φ_m − σ(v_m). `records`: int32 [4 · n] in
 * the kernel memory (null: one example at a time).
 */
export function forwardSlab(
  params: VaeParams,
  draws: VaeDraws,
  states: readonly PassState[],
  n: number,
  onExample: (e: number) => void,
  elbos: Float64Array,
  antithetic?: readonly PassState[],
  decGrads?: readonly (readonly Float64Array[])[],
  records: Int32Array | null = null,
): void {
  const L = params.shape.layers;
  elbos.fill(0, 0, n);
  for (let l = 1; l <= L; l++) {
    encoderLogitsSlab(params, l, states, n, records);
    for (let e = 0; e < n; e++) {
      const s = states[e];
      elbos[e] += encoderUnits(params, l, s);
      onExample(e);
      if (antithetic) {
        draws.antithetic(l, s.p[l], params.sizes[l], s.phi[l], antithetic[e].phi[l]);
        s.index(l);
        antithetic[e].index(l);
      } else sampleLayer(params, draws, 0, l, s);
    }
  }
  for (let m = 0; m < L; m++) {
    decoderLogitsSlab(params, m, states, n, records);
    for (let e = 0; e < n; e++) elbos[e] += decoderUnits(params, m, states[e], states[e], decGrads?.[e][m]);
  }
  decoderLogitsSlab(params, L, states, n, records);
  priorSlab(params, states, n, elbos, decGrads, records);
}

/** One pass's result for the one-example wrappers (forwardPass, partialPass). */
const single = new Float64Array(1);
const noExample = (): void => {};

/**
 * The full main pass of one example: encoder layers (sampled), then every decoder term. Returns
 * the single-sample ELBO. `decGrad` (m = 0..L, [sizes[m]] each): also every decoder term's logit
 * gradient φ_m − σ(v_m). forwardSlab with n = 1.
 */
export function forwardPass(params: VaeParams, draws: VaeDraws, s: PassState, antithetic?: PassState, decGrad?: readonly Float64Array[]): number {
  forwardSlab(params, draws, [s], 1, noExample, single, antithetic ? [antithetic] : undefined, decGrad ? [decGrad] : undefined);
  return single[0];
}

/**
 * Partial forward passes from layer f of n examples (docs/math.md §3, LOO and DisARM), layer by
 * layer as forwardSlab: alts[e] holds φ'_f; samples φ'_{f+1..L} afresh (pass f) and sets
 * totals[e] = F'_f = log p_{f-1}(φ_{f-1} | φ'_f) + Σ_{m>=f} Dec'_m + Σ_{l>f} Ent'_l (nats), where
 * φ_{f-1} is mains[e]'s layer.
 */
export function partialSlab(
  params: VaeParams,
  draws: VaeDraws,
  f: number,
  mains: readonly PassState[],
  alts: readonly PassState[],
  n: number,
  onExample: (e: number) => void,
  totals: Float64Array,
  records: Int32Array | null = null,
): void {
  const L = params.shape.layers;
  decoderLogitsSlab(params, f - 1, alts, n, records);
  for (let e = 0; e < n; e++) totals[e] = decoderUnits(params, f - 1, alts[e], mains[e]);
  for (let l = f + 1; l <= L; l++) {
    encoderLogitsSlab(params, l, alts, n, records);
    for (let e = 0; e < n; e++) {
      totals[e] += encoderUnits(params, l, alts[e]);
      onExample(e);
      sampleLayer(params, draws, f, l, alts[e]);
    }
  }
  for (let m = f; m < L; m++) {
    decoderLogitsSlab(params, m, alts, n, records);
    for (let e = 0; e < n; e++) totals[e] += decoderUnits(params, m, alts[e], alts[e]);
  }
  decoderLogitsSlab(params, L, alts, n, records);
  priorSlab(params, alts, n, totals, undefined, records);
}

/** partialSlab for one example: returns F'_f of main and alt (alt holds φ'_f). */
export function partialPass(params: VaeParams, draws: VaeDraws, f: number, main: PassState, alt: PassState): number {
  partialSlab(params, draws, f, [main], [alt], 1, noExample, single);
  return single[0];
}

/** log q(φ_l | φ_{l-1}) of the sampled layer l (clipped probabilities). */
export function encoderLogProb(params: VaeParams, l: number, s: PassState): number {
  const n = params.sizes[l];
  const phi = s.phi[l];
  const p = s.p[l];
  const q = s.q[l];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(phi[i] === 1 ? p[i] : q[i]);
  return sum;
}


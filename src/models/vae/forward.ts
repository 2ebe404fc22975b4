// One example's stochastic forward pass through encoder and decoder (docs/math.md §3):
// layer values, logits, probabilities and every function component of the ELBO.
import type { VaeDraws } from './draws.ts';
import { clampLogit, LOGIT_CLIP } from '../units/bernoulli.ts';
import type { ParamArray, VaeParams } from './params.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { commonKernels } from '../../simd/wasmKernels.ts';

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

/** Encoder layer l's logits and probabilities from φ_{l-1} of `s`; sets and returns Ent[l]. */
export function encoderLayer(params: VaeParams, l: number, s: PassState, input: PassState = s): number {
  const n = params.sizes[l];
  const u = s.u[l];
  const ut = s.ut[l];
  const p = s.p[l];
  const q = s.q[l];
  affine(params.encW[l - 1], params.encB[l - 1], input.on[l - 1], input.onCount[l - 1], n, u);
  // in one WASM kernel memory: vaeEncoderUnits in float32 lanes (the float32 path); else the float64 reference
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
 * Decoder term m: log p_m(target φ_m | input φ_{m+1}) (the prior when m = L); sets Dec[m]. With
 * `grad` ([sizes[m]]) also its logit gradient grad[i] = φ_m,i − σ(v_i) (docs/math.md §3).
 */
export function decoderLayer(params: VaeParams, m: number, s: PassState, target: PassState = s, grad?: Float64Array): number {
  const n = params.sizes[m];
  const v = s.v[m];
  if (m === params.shape.layers) {
    const b = params.decB[m];
    for (let i = 0; i < n; i++) v[i] = b[i];
  } else {
    affine(params.decW[m], params.decB[m], s.on[m + 1], s.onCount[m + 1], n, v);
  }
  const t = target.phi[m];
  const dp = s.dp[m];
  const dq = s.dq[m];
  // in one WASM kernel memory: vaeDecoderUnits in float32 lanes (the float32 path); else the float64 reference
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

/** Samples encoder layer l of pass `pass` into s (after encoderLayer). */
export function sampleLayer(params: VaeParams, draws: VaeDraws, pass: number, l: number, s: PassState): void {
  draws.bernoulli(pass, l, s.p[l], params.sizes[l], s.phi[l]);
  s.index(l);
}

/**
 * The full main pass: encoder layers (sampled), then every decoder term. Returns the single-sample
 * ELBO. `decGrad` (m = 0..L, [sizes[m]] each): also every decoder term's logit gradient φ_m − σ(v_m).
 */
export function forwardPass(params: VaeParams, draws: VaeDraws, s: PassState, antithetic?: PassState, decGrad?: readonly Float64Array[]): number {
  const L = params.shape.layers;
  let elbo = 0;
  for (let l = 1; l <= L; l++) {
    elbo += encoderLayer(params, l, s);
    if (antithetic) {
      draws.antithetic(l, s.p[l], params.sizes[l], s.phi[l], antithetic.phi[l]);
      s.index(l);
      antithetic.index(l);
    } else sampleLayer(params, draws, 0, l, s);
  }
  for (let m = 0; m <= L; m++) elbo += decoderLayer(params, m, s, s, decGrad?.[m]);
  return elbo;
}

/**
 * Partial forward pass from layer f (docs/math.md §3, LOO and DisARM): `alt` holds φ'_f; samples
 * φ'_{f+1..L} afresh (pass f) and returns F'_f = log p_{f-1}(φ_{f-1} | φ'_f) + Σ_{m>=f} Dec'_m +
 * Σ_{l>f} Ent'_l, where φ_{f-1} is the main pass's layer.
 */
export function partialPass(params: VaeParams, draws: VaeDraws, f: number, main: PassState, alt: PassState): number {
  const L = params.shape.layers;
  let total = decoderLayer(params, f - 1, alt, main);
  for (let l = f + 1; l <= L; l++) {
    total += encoderLayer(params, l, alt);
    sampleLayer(params, draws, f, l, alt);
  }
  for (let m = f; m <= L; m++) total += decoderLayer(params, m, alt);
  return total;
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


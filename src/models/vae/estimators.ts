// One example's gradient estimate for each encoder estimator (docs/math.md §3), as a pure
// function of the parameters, the input, the draws and the per-layer baselines.
// Output: gradients of the per-example estimate with respect to every logit; the parameter
// gradients are these times the layer's 0/1 input (added by the caller).
import { vaeEstimator, type VaeEstimator } from '../../engine/estimators.ts';
import { logSigmoid, rhoPair } from '../units/bernoulli.ts';
import { FlipTables } from '../units/flipTables.ts';
import { encoderChildDeltas, flipLogProbDelta } from './counterfactual.ts';
import type { VaeDraws } from './draws.ts';
import { forwardPass, forwardSlab, partialPass, partialSlab, PassState } from './forward.ts';
import type { VaeParams } from './params.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { commonKernels } from '../../simd/wasmKernels.ts';

/**
 * f-HNCA term 3 (docs/math.md §3) for unit i of layer l: the decoder term above,
 * log p_l(φ_l | φ_{l+1}), whose logit v_i for unit i does not depend on φ_l:
 * ρ1 log P_i - ρ0 log(1-P_i) + (ρ1 - ρ0) Σ_{k≠i} log p(φ_{l,k} | .).
 */
export function decoderAboveTerm(v: number, phi: number, decAbove: number, rho1: number, rho0: number): number {
  const lp = logSigmoid(v);
  const lq = lp - v;
  return rho1 * lp - rho0 * lq + (rho1 - rho0) * (decAbove - (phi === 1 ? lp : lq));
}

/** Per-update exp(±W) tables f-HNCA reads: enc[l] for q_{l+1} (l = 1..L-1), dec[m] for p_m. */
export class VaeTables {
  readonly enc: FlipTables[] = [];
  readonly dec: FlipTables[] = [];
  /** `arrays`: where the tables live (a run's WASM kernel arena in the CPU engine). */
  constructor(
    readonly sizes: readonly number[],
    arrays: ArrayAllocator = heapArrays,
  ) {
    const L = sizes.length - 1;
    for (let l = 0; l < L; l++) this.enc.push(new FlipTables(l === 0 ? 0 : sizes[l], l === 0 ? 0 : sizes[l + 1], arrays));
    for (let m = 0; m < L; m++) this.dec.push(new FlipTables(sizes[m + 1], sizes[m], arrays));
  }
  update(params: VaeParams): void {
    const L = this.sizes.length - 1;
    for (let l = 1; l < L; l++) this.enc[l].fill(params.encW[l], 1);
    for (let m = 0; m < L; m++) this.dec[m].fill(params.decW[m], 1);
  }
}

/** True when the estimator draws a second pass per layer (LOO, DisARM: ExampleWork's alt and anti). */
export function usesPairs(estimator: VaeEstimator): boolean {
  const { signal } = vaeEstimator(estimator);
  return signal === 'leave-one-out' || signal === 'disarm';
}

/** True when the estimator's signal is f-HNCA, which reads the per-update VaeTables. */
export function usesTables(estimator: VaeEstimator): boolean {
  return vaeEstimator(estimator).signal === 'fhnca';
}

/** Scratch and results of one example. Layer-indexed arrays use l = 0..L. */
export class ExampleWork {
  readonly main: PassState;
  private readonly pairStates: { alt: PassState; anti: PassState } | null;
  /** d estimate / d u_l for encoder layer l = 1..L (= p(1-p) S_i, docs/math.md §3) */
  readonly encGrad: Float64Array[];
  /** d f / d v_m = φ_m - σ(v_m) for decoder m = 0..L (m = L: prior) */
  readonly decGrad: Float64Array[];
  /** per layer: the value whose batch mean updates b_l (fhnca-baseline, reinforce-baseline) */
  readonly baselineTarget: Float64Array;
  elbo = 0;
  /**
   * Whether dn, dlq and dent already hold this pass's f-HNCA flip deltas (computed for a slab of
   * examples at once, vaeRun.ts); forward clears it.
   */
  flipsReady = false;
  /** f-HNCA scratch: decoder-below, child log-prob and child entropy flip deltas */
  readonly dn: Float64Array[];
  readonly dlq: Float64Array[];
  readonly dent: Float64Array[];
  private readonly rho = new Float64Array(2);
  private readonly upDec: Float64Array;
  private readonly upEnt: Float64Array;
  /**
   * `arrays`: where the arrays live (a run's WASM kernel arena in the CPU engine). `pairs`:
   * whether to hold the second passes of LOO and DisARM (alt, anti); without them those
   * estimators throw.
   */
  constructor(
    readonly sizes: readonly number[],
    arrays: ArrayAllocator = heapArrays,
    pairs = true,
  ) {
    const f = (): Float64Array[] => sizes.map((s) => arrays.f64(s));
    this.main = new PassState(sizes, arrays);
    this.pairStates = pairs ? { alt: new PassState(sizes, arrays), anti: new PassState(sizes, arrays) } : null;
    this.encGrad = f();
    this.decGrad = f();
    this.dn = f();
    this.dlq = f();
    this.dent = f();
    this.baselineTarget = new Float64Array(sizes.length);
    this.upDec = new Float64Array(sizes.length + 1);
    this.upEnt = new Float64Array(sizes.length + 2);
  }

  /** Second sample / partial-pass values (LOO, DisARM). @throws Error when built without pairs */
  get alt(): PassState {
    if (!this.pairStates) throw new Error('ExampleWork: built without the second passes LOO and DisARM need');
    return this.pairStates.alt;
  }
  /** DisARM's antithetic layer values φ~_l. @throws Error when built without pairs */
  get anti(): PassState {
    if (!this.pairStates) throw new Error('ExampleWork: built without the second passes LOO and DisARM need');
    return this.pairStates.anti;
  }

  /** F_l: every component φ_l can influence except its own entropy (docs/math.md §3, REINFORCE). */
  downstream(l: number): number {
    return this.upDec[l - 1] + this.upEnt[l + 1];
  }
  /** R_l: decoder terms above l+1, the prior, entropies of layers l+2..L (f-HNCA term 5). */
  furtherUp(l: number): number {
    return this.upDec[l + 1] + this.upEnt[l + 2];
  }
  /**
   * The components upstream of layer l (nats), computed from φ_0..φ_{l-1} alone, which the
   * full-reward ablation adds to layer l's learning signal (docs/math.md §7.3):
   * Σ_{k=1..l} H(q_k(.|φ_{k-1})) + Σ_{m=0..l-2} log p_m(φ_m | φ_{m+1}).
   */
  upstream(l: number): number {
    const { main } = this;
    let sum = 0;
    for (let k = 1; k <= l; k++) sum += main.ent[k];
    for (let m = 0; m <= l - 2; m++) sum += main.dec[m];
    return sum;
  }

  /**
   * Runs the forward pass with `draws` and fills encGrad, decGrad, elbo and baselineTarget.
   * `tables` must be current for params when the estimator is f-HNCA; `baselines[l]` is b_l.
   */
  estimate(params: VaeParams, estimator: VaeEstimator, draws: VaeDraws, tables: VaeTables | null, baselines: Float64Array): void {
    this.forward(params, estimator, draws);
    this.signals(params, estimator, draws, tables, baselines);
  }

  /**
   * estimate's first part: the forward pass with `draws`, elbo, decGrad and the sums of the
   * components above each layer. Clears flipsReady (the new pass's f-HNCA deltas are not computed).
   */
  forward(params: VaeParams, estimator: VaeEstimator, draws: VaeDraws): void {
    const { extraSample } = vaeEstimator(estimator);
    this.afterForward(params, forwardPass(params, draws, this.main, extraSample === 'antithetic' ? this.anti : undefined, this.decGrad));
  }

  /** Records a finished main pass: its ELBO (nats) and the sums of the components above each layer; clears flipsReady. */
  afterForward(params: VaeParams, elbo: number): void {
    const L = params.shape.layers;
    const { main, upDec, upEnt } = this;
    this.flipsReady = false;
    this.elbo = elbo;
    upDec.fill(0);
    upEnt.fill(0);
    for (let m = L; m >= 0; m--) upDec[m] = upDec[m + 1] + main.dec[m];
    for (let l = L; l >= 1; l--) upEnt[l] = upEnt[l + 1] + main.ent[l];
  }

  /**
   * estimate's second part after forward: encGrad and baselineTarget of every layer (LOO and
   * DisARM draw their partial passes from `draws`, which must be on this example).
   */
  signals(params: VaeParams, estimator: VaeEstimator, draws: VaeDraws, tables: VaeTables | null, baselines: Float64Array): void {
    const L = params.shape.layers;
    const { main, sizes } = this;
    const { signal, baseline, ablations } = vaeEstimator(estimator);
    for (let l = 1; l <= L; l++) {
      switch (signal) {
        case 'fhnca':
          if (!tables) throw new Error('f-HNCA needs the per-update exp tables');
          this.fhnca(params, tables, l, baseline ? baselines[l] : 0, ablations.includes('all-children'), ablations.includes('full-reward'));
          break;
        case 'score-function':
          this.reinforce(l, baseline ? baselines[l] : 0);
          break;
        case 'leave-one-out':
        case 'disarm':
          this.prepareAlternative(l, signal === 'disarm', draws);
          this.pairSignal(l, partialPass(params, draws, l, main, this.alt), signal === 'disarm');
          break;
        default: {
          const unhandled: never = signal; // a new VaeSignal must be implemented here
          throw new Error(`VAE learning signal '${String(unhandled)}' has no implementation`);
        }
      }
    }
  }

  /**
   * f-HNCA terms 1–5 of docs/math.md §3 for every unit of layer l, with the appendix-K switches of
   * §7.3. allChildren: terms 2 and 4 become ρ1·X(1) − ρ0·X(0) = (ρ1 − ρ0)·X + (φ = 1 ? −ρ0 : ρ1)·ΔX
   * (X the actual value, ΔX its flip delta), so X joins the mediated sum (and the baseline target);
   * fullReward: upstream(l) joins the mediated sum and the baseline target. Both off: §3 exactly.
   */
  private fhnca(params: VaeParams, tables: VaeTables, l: number, b: number, allChildren: boolean, fullReward: boolean): void {
    const L = params.shape.layers;
    const { main, sizes, rho } = this;
    const n = sizes[l];
    const dn = this.dn[l];
    const dlq = this.dlq[l];
    const dent = this.dent[l];
    const top = l === L;
    if (!this.flipsReady) flipLogProbDelta(params.decW[l - 1], tables.dec[l - 1], main.phi[l], n, main.dp[l - 1], main.dq[l - 1], main.on[l - 1], main.onCount[l - 1], sizes[l - 1], dn, undefined, main.v[l - 1], main.phi[l - 1]);
    if (!top && !this.flipsReady) {
      encoderChildDeltas(params.encW[l], tables.enc[l], main.phi[l], n, main.u[l + 1], main.ut[l + 1], main.p[l + 1], main.q[l + 1], main.phi[l + 1], main.on[l + 1], main.onCount[l + 1], sizes[l + 1], dlq, dent);
    }
    let extra = 0; // components the ablations weight by ρ1 − ρ0 besides R_l
    if (allChildren) extra += main.dec[l - 1] + (top ? 0 : main.ent[l + 1]);
    if (fullReward) extra += this.upstream(l);
    const mediated = this.furtherUp(l) + extra - b;
    const decAbove = main.dec[l];
    this.baselineTarget[l] = this.furtherUp(l) + extra + decAbove;
    const { phi, p, q, ut } = { phi: main.phi[l], p: main.p[l], q: main.q[l], ut: main.ut[l] };
    const v = main.v[l];
    const g = this.encGrad[l];
    for (let i = 0; i < n; i++) {
      const delta = phi[i] === 1 ? -1 : 1; // 1 - 2φ
      let rho1 = 1;
      let rho0 = 1;
      let term4 = 0;
      if (!top) {
        rhoPair(p[i], q[i], -delta * dlq[i], rho); // D = log Q_0 - log Q_1
        rho1 = rho[0];
        rho0 = rho[1];
        term4 = allChildren ? (delta < 0 ? -rho0 : rho1) * dent[i] : delta * dent[i]; // E_i(1) - E_i(0)
      }
      const term2 = allChildren ? (delta < 0 ? -rho0 : rho1) * dn[i] : delta * dn[i]; // Dn_i(1) - Dn_i(0)
      const term3 = decoderAboveTerm(v[i], phi[i], decAbove, rho1, rho0);
      const s = -ut[i] + term2 + term3 + term4 + (rho1 - rho0) * mediated; // -ut = log(1-p) - log p
      g[i] = p[i] * q[i] * s;
    }
  }

  /** REINFORCE (± baseline): p(1-p) S = p(1-p)(log(1-p) - log p) + (φ - p)(F_l - b_l). */
  private reinforce(l: number, b: number): void {
    const { main, sizes } = this;
    const F = this.downstream(l);
    this.baselineTarget[l] = F;
    const signal = F - b;
    const { phi, p, q, ut } = { phi: main.phi[l], p: main.p[l], q: main.q[l], ut: main.ut[l] };
    const g = this.encGrad[l];
    const kernels = commonKernels(phi, p, q, ut, g);
    if (kernels) kernels.exports.vaeLayerSignal(phi.byteOffset, 0, p.byteOffset, q.byteOffset, ut.byteOffset, sizes[l], signal, -1, g.byteOffset);
    else for (let i = 0; i < sizes[l]; i++) g[i] = -p[i] * q[i] * ut[i] + (phi[i] - p[i]) * signal;
  }

  /**
   * Sets alt's layer l, the start of layer l's partial pass: LOO's second sample φ'_l (drawn
   * from `draws`, which must be on this example) or DisARM's antithetic φ~_l.
   */
  prepareAlternative(l: number, disarm: boolean, draws: VaeDraws): void {
    if (disarm) {
      this.alt.copyLayer(this.anti, l);
      return;
    }
    draws.bernoulli(l, l, this.main.p[l], this.sizes[l], this.alt.phi[l]);
    this.alt.index(l);
  }

  /**
   * LOO (disarm = false): p(1-p)·½[(F-F')score(φ) + (F'-F)score(φ')] = ½(F-F')(φ - φ').
   * DisARM (disarm = true): p(1-p)·½(F-F~)(φ-φ~)/min(p,1-p) = ½(F-F~)(φ-φ~)·max(p,1-p).
   */
  pairSignal(l: number, other: number, disarm: boolean): void {
    const { main, alt, sizes } = this;
    const half = 0.5 * (this.downstream(l) - other);
    this.baselineTarget[l] = 0;
    const { phi, p, q, ut } = { phi: main.phi[l], p: main.p[l], q: main.q[l], ut: main.ut[l] };
    const phi2 = alt.phi[l];
    const g = this.encGrad[l];
    // in one kernel memory: vaeLayerSignal, the same float64 operations
    const kernels = commonKernels(phi, phi2, p, q, ut, g);
    if (kernels) {
      kernels.exports.vaeLayerSignal(phi.byteOffset, phi2.byteOffset, p.byteOffset, q.byteOffset, ut.byteOffset, sizes[l], half, disarm ? 1 : 0, g.byteOffset);
      return;
    }
    for (let i = 0; i < sizes[l]; i++) {
      const pair = half * (phi[i] - phi2[i]);
      g[i] = -p[i] * q[i] * ut[i] + (disarm ? pair * (p[i] > q[i] ? p[i] : q[i]) : pair);
    }
  }
}

/**
 * A slab's passes for the layer-by-layer kernels (forwardSlab, partialSlab): the examples'
 * PassStates side by side, their ELBOs and partial-pass totals (nats, [slab]), and the affine
 * records (int32 [4 · slab]) in the run's kernel memory.
 */
export class SlabPasses {
  readonly mains: readonly PassState[];
  readonly antis: readonly PassState[] | undefined;
  readonly alts: readonly PassState[];
  readonly decGrads: readonly (readonly Float64Array[])[];
  readonly elbos: Float64Array;
  readonly totals: Float64Array;
  readonly records: Int32Array;
  /** `works`: the slab's scratch; `pairs`: whether they hold LOO's and DisARM's second passes. */
  constructor(
    readonly works: readonly ExampleWork[],
    pairs: boolean,
    arrays: ArrayAllocator = heapArrays,
  ) {
    this.mains = works.map((w) => w.main);
    this.antis = pairs ? works.map((w) => w.anti) : undefined;
    this.alts = pairs ? works.map((w) => w.alt) : [];
    this.decGrads = works.map((w) => w.decGrad);
    this.elbos = new Float64Array(works.length);
    this.totals = new Float64Array(works.length);
    this.records = arrays.i32(4 * works.length);
  }

  /**
   * ExampleWork.forward for works[0..n) at once (forwardSlab): each work's elbo, decGrad and
   * sums above its layers. `onExample(e)` moves the draws to example e.
   */
  forward(params: VaeParams, estimator: VaeEstimator, draws: VaeDraws, n: number, onExample: (e: number) => void): void {
    const antithetic = vaeEstimator(estimator).extraSample === 'antithetic';
    forwardSlab(params, draws, this.mains, n, onExample, this.elbos, antithetic ? this.antis : undefined, this.decGrads, this.records);
    for (let e = 0; e < n; e++) this.works[e].afterForward(params, this.elbos[e]);
  }

  /**
   * ExampleWork.signals for works[0..n): LOO's and DisARM's partial passes layer by layer for the
   * whole slab (partialSlab), every other estimator one example at a time.
   */
  signals(params: VaeParams, estimator: VaeEstimator, draws: VaeDraws, n: number, onExample: (e: number) => void, tables: VaeTables | null, baselines: Float64Array): void {
    const { signal } = vaeEstimator(estimator);
    if (signal !== 'leave-one-out' && signal !== 'disarm') {
      for (let e = 0; e < n; e++) {
        onExample(e);
        this.works[e].signals(params, estimator, draws, tables, baselines);
      }
      return;
    }
    const disarm = signal === 'disarm';
    for (let l = 1; l <= params.shape.layers; l++) {
      for (let e = 0; e < n; e++) {
        onExample(e);
        this.works[e].prepareAlternative(l, disarm, draws);
      }
      partialSlab(params, draws, l, this.mains, this.alts, n, onExample, this.totals, this.records);
      for (let e = 0; e < n; e++) this.works[e].pairSignal(l, this.totals[e], disarm);
    }
  }
}

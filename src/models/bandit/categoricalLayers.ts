// The bandit network with categorical hidden units (docs/math.md §7.1): forward pass, HNCA's
// counterfactual messages and both estimators' learning signals. A hidden layer of U units
// with N values has logits, probabilities and signals [batch, U·N] (unit i's value v at
// i·N + v), value indices [batch, U], and passes on the centered one-hot outputs e_φ − 1/N
// [batch, U·N] (stored as the one-hot 0/1 in scratch.sample, so the 0/1 paths of forward.ts and
// gradients.ts serve its children's logits and every layer's gradients, then centered). Every message is in the log domain
// (logsumexp per counterfactual child), so any finite weights give finite credit. The layers
// fed by categorical units read their outputs centered, e_φ − 1/N (centerOneHotLogits; the
// gradients follow in gradients.ts), which leaves every counterfactual change W[(i, v), :] −
// W[(i, φ), :] as it is.
import type { SparseBinaryRows } from '../../data/minibatch.ts';
import { categoricalHncaSignals, categoricalReinforceSignals, hindsightPosterior, sampleCategorical } from '../units/categorical.ts';
import { logSumExp, softmaxInto } from '../units/softmax.ts';
import { hiddenInputLogits, sampleActions, sparseInputLogits, type UniformSource } from './forward.ts';
import { categoriesOf, type BanditParameters } from './parameters.ts';
import type { BanditScratch } from './scratch.ts';
import type { FlipTables } from '../units/flipTables.ts';

/**
 * N of a categorical network.
 * @throws Error when the network's hidden units are not categorical (a caller's bug)
 */
function categoriesOrThrow(params: BanditParameters): number {
  const n = categoriesOf(params.shape);
  if (n < 2) throw new Error('categorical bandit code called on a network of Bernoulli units');
  return n;
}

/**
 * The logits of a layer fed by categorical outputs, from one-hot to centered inputs (docs/math.md
 * §7.1): a unit passes on x = e_φ − 1/N, whose entries sum to 0 like the Bernoulli units' ±1,
 * so z = b + Σ_j x_j W[j,:] = (b + Σ_{one-hot j} W[j,:]) − (1/N) Σ_j W[j,:]. Subtracts the
 * column means (1/N) Σ_j W[j, i] (into `offset` [width]) from `logits` [batch, width]. Without
 * the centering the N rows of a unit share a common part that acts as a second bias per unit,
 * which Adam moves U times as fast as the bias (the policy collapses to one action).
 */
export function centerOneHotLogits(w: Float32Array, inWidth: number, width: number, n: number, batch: number, logits: Float64Array, offset: Float64Array): void {
  offset.fill(0, 0, width);
  for (let j = 0; j < inWidth; j++) {
    const row = j * width;
    for (let i = 0; i < width; i++) offset[i] += w[row + i];
  }
  for (let i = 0; i < width; i++) offset[i] /= n;
  for (let b = 0; b < batch; b++) {
    const at = b * width;
    for (let i = 0; i < width; i++) logits[at + i] -= offset[i];
  }
}

/**
 * Stochastic forward pass over a batch (docs/math.md §2 with §7.1 units): per hidden layer the
 * logits z = b + Σ_j x_j W[j, :] (pixels, or the centered one-hot x = e_φ − 1/N), pi_i = softmax(z_i), φ_i ~ pi_i by inverse CDF
 * with one uniform per unit, the one-hot outputs; then the output softmax and the actions.
 * @throws Error when the network's hidden units are not categorical
 */
export function categoricalForwardBatch(params: BanditParameters, input: SparseBinaryRows, source: UniformSource, s: BanditScratch): void {
  const n = categoriesOrThrow(params);
  const { sizes } = params.shape;
  const batch = input.count;
  const hiddenLayers = sizes.length - 2;
  for (let l = 0; l < hiddenLayers; l++) {
    const width = sizes[l + 1];
    const units = width / n;
    const w = params.weights[l].value;
    const bias = params.biases[l].value;
    if (l === 0) sparseInputLogits(w, bias, input, width, s.logit[0], s.selected);
    else {
      hiddenInputLogits(w, bias, s.sample[l - 1], sizes[l], width, false, batch, s.logit[l], s.baseLogit, s.selected);
      centerOneHotLogits(w, sizes[l], width, n, batch, s.logit[l], s.baseLogit);
    }
    const logit = s.logit[l];
    const prob = s.prob[l];
    const sample = s.sample[l];
    const value = s.value[l];
    sample.fill(0, 0, batch * width);
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < units; i++) {
        const at = b * width + i * n;
        softmaxInto(logit, at, n, prob);
        const v = sampleCategorical(prob, at, n, source.hidden(l, b, i, units, prob, at, n));
        value[b * units + i] = v;
        sample[at + v] = 1;
      }
    }
  }
  const actions = sizes[sizes.length - 1];
  const outW = params.weights[hiddenLayers].value;
  hiddenInputLogits(outW, params.biases[hiddenLayers].value, s.sample[hiddenLayers - 1], sizes[hiddenLayers], actions, false, batch, s.outLogit, s.baseLogit, s.selected);
  centerOneHotLogits(outW, sizes[hiddenLayers], actions, n, batch, s.outLogit, s.baseLogit);
  sampleActions(s, batch, actions, source);
}

/**
 * log Q_i(v) − (the children's actual log-probability) for one example, unit i of a layer
 * whose children are the next categorical layer (docs/math.md §7.1): forcing unit i from φ to v
 * adds Delta(v) = W[(i, v), :] − W[(i, φ), :] to the children's logits, and
 * log Q(v) = Σ_c (z'_c[φ_c] − logsumexp(z'_c)). `childLogit` [childWidth] at cBase,
 * `childValue` [childUnits] at vBase, `childLse` [childUnits] the actual logsumexps.
 */
function categoricalChildrenLogQ(
  w: Float32Array,
  rowActual: number,
  rowAlternative: number,
  childLogit: Float64Array,
  cBase: number,
  childValue: Uint8Array,
  vBase: number,
  childUnits: number,
  childLse: Float64Array,
  n: number,
  shifted: Float64Array,
): number {
  let change = 0;
  for (let c = 0; c < childUnits; c++) {
    const col = c * n;
    for (let k = 0; k < n; k++) shifted[k] = childLogit[cBase + col + k] + w[rowAlternative + col + k] - w[rowActual + col + k];
    const phi = childValue[vBase + c];
    // (z'_φ − lse(z')) − (z_φ − lse(z))
    change += shifted[phi] - childLogit[cBase + col + phi] - (logSumExp(shifted, 0, n) - childLse[c]);
  }
  return change;
}

/**
 * The fast path multiplies exp(±W) table entries and the children's probabilities: exact (no
 * overflow, no underflow of a sum to 0) while every |W| of the child matrix is at most
 * FAST_WEIGHT and every child unit's logits span at most FAST_SPREAD nats; beyond that an
 * example takes the log-domain path (any finite weights give finite credit).
 */
const FAST_WEIGHT = 150;
const FAST_SPREAD = 300;
/** the running product of per-child factors (each within 1e±261 under the bounds above) is folded into its log beyond these */
const FOLD_ABOVE = 1e40;
const FOLD_BELOW = 1e-40;

/** Working memory of categoricalCredit, sized for the widest layer (and, on first use, the batch). */
export class CategoricalCreditScratch {
  /** per child logit (c, k) of the example: pi_ck exp(−W[(i,φ),ck]) exp(W[(i,φ),(c,φ_c)]) */
  readonly scaled: Float64Array;
  /** per child unit: its sampled value φ_c, and its actual logsumexp (log-domain path) */
  readonly childValue: Int32Array;
  readonly childLse: Float64Array;
  /** per example of the batch: 1 when it takes the exp-table path (grown on demand) */
  fast = new Uint8Array(0);
  constructor(widest: number) {
    this.scaled = new Float64Array(widest);
    this.childValue = new Int32Array(widest);
    this.childLse = new Float64Array(widest);
  }
  /** The per-example path flags for `batch` examples. */
  fastFlags(batch: number): Uint8Array {
    if (this.fast.length < batch) this.fast = new Uint8Array(batch);
    return this.fast;
  }
}

/** One categorical layer's children in one update: the next categorical layer, or the softmax output as one child unit of `actions` values. */
interface CategoricalChildren {
  /** [batch, childUnits · childValues] the children's logits and probabilities (the forward's) */
  logit: Float64Array;
  prob: Float64Array;
  childUnits: number;
  childValues: number;
  /** [batch, childUnits] the sampled value of child c of example b at b · childUnits + c (the actions when the child is the output) */
  value: Uint8Array | Int32Array;
  /** the child weight matrix W [U·N, childUnits · childValues] and its exp(±W) tables */
  w: Float32Array;
  tables: FlipTables;
}

/**
 * log Q_i(v) − log Q_i(φ_i) of every unit i and value v of every example b with fast[b] = 1 by
 * the exp tables (docs/math.md §7.1): with a_ck = pi_ck exp(−W[(i,φ),ck]) exp(W[(i,φ),(c,φ_c)])
 * tabulated once per (example, unit), child c's factor pi_c(φ_c)/pi'_c(φ_c) = exp(−W[(i,v),(c,φ_c)])
 * Σ_k a_ck exp(W[(i,v),ck]) costs N multiply-adds, so a counterfactual costs U'·N multiply-adds
 * (N times the forward pass's work per unit) and one log per block of children. Unit-major
 * (every example of unit i before unit i + 1), so the table rows of unit i's N values
 * [N, U'·N] stay in cache across the batch instead of the whole table [U·N, U'·N] streaming
 * from memory once per example; each (example, unit) is computed exactly as example-major, so
 * the credit is the same bit for bit. Writes each unit's posterior into credit.
 */
function fastBatchCredit(ch: CategoricalChildren, batch: number, fast: Uint8Array, units: number, n: number, value: Uint8Array, parentLogit: Float64Array, s: BanditScratch, credit: Float64Array, scratch: CategoricalCreditScratch, width: number): void {
  const { prob, childUnits, childValues: m, tables } = ch;
  const childValue = ch.value;
  const table = tables.table;
  const childWidth = childUnits * m;
  const { scaled } = scratch;
  const { logQ, logPi } = s;
  for (let i = 0; i < units; i++) {
    for (let b = 0; b < batch; b++) {
      if (!fast[b]) continue;
      const cBase = b * childWidth;
      const vBase = b * childUnits;
      const phi = value[b * units + i];
      const rowActual = (i * n + phi) * childWidth;
      for (let c = 0; c < childUnits; c++) {
        const col = c * m;
        const keep = table[2 * (rowActual + col + childValue[vBase + c])];
        for (let k = 0; k < m; k++) scaled[col + k] = prob[cBase + col + k] * table[2 * (rowActual + col + k) + 1] * keep;
      }
      for (let v = 0; v < n; v++) {
        if (v === phi) {
          logQ[v] = 0;
          continue;
        }
        const rowAlternative = (i * n + v) * childWidth;
        let logFactors = 0;
        let product = 1;
        for (let c = 0; c < childUnits; c++) {
          const col = c * m;
          const at = 2 * (rowAlternative + col);
          let sum = 0;
          for (let k = 0; k < m; k++) sum += scaled[col + k] * table[at + 2 * k];
          product *= sum * table[at + 2 * childValue[vBase + c] + 1];
          if (product > FOLD_ABOVE || product < FOLD_BELOW) {
            logFactors += Math.log(product);
            product = 1;
          }
        }
        // log Q(v) − log Q(φ) = −Σ_c log(pi_c(φ_c)/pi'_c(φ_c))
        logQ[v] = -(logFactors + Math.log(product));
      }
      hindsightPosterior(parentLogit, b * width + i * n, n, logQ, logPi, credit, b * width + i * n);
    }
  }
}

/**
 * The log-domain path of example b: per (unit, value, child) a shifted logsumexp of the child's
 * counterfactual logits, finite for any finite weights (docs/math.md §7.1).
 */
function logDomainExampleCredit(ch: CategoricalChildren, b: number, units: number, n: number, value: Uint8Array, parentLogit: Float64Array, s: BanditScratch, credit: Float64Array, scratch: CategoricalCreditScratch, width: number): void {
  const { logit, childUnits, childValues: m, w } = ch;
  const childWidth = childUnits * m;
  const cBase = b * childWidth;
  const { childLse, childValue } = scratch;
  const { logQ, logPi, shiftedLogits: shifted } = s;
  for (let c = 0; c < childUnits; c++) {
    childLse[c] = logSumExp(logit, cBase + c * m, m);
    childValue[c] = ch.value[b * childUnits + c];
  }
  for (let i = 0; i < units; i++) {
    const phi = value[b * units + i];
    const rowActual = (i * n + phi) * childWidth;
    for (let v = 0; v < n; v++) {
      if (v === phi) {
        logQ[v] = 0;
        continue;
      }
      const rowAlternative = (i * n + v) * childWidth;
      let change = 0;
      for (let c = 0; c < childUnits; c++) {
        const col = c * m;
        for (let k = 0; k < m; k++) shifted[k] = logit[cBase + col + k] + w[rowAlternative + col + k] - w[rowActual + col + k];
        const phiC = childValue[c];
        // (z'_φ − lse(z')) − (z_φ − lse(z))
        change += shifted[phiC] - logit[cBase + col + phiC] - (logSumExp(shifted, 0, m) - childLse[c]);
      }
      logQ[v] = change;
    }
    // logQ holds log Q(v) − log Q(φ): the posterior is invariant to that common shift
    hindsightPosterior(parentLogit, b * width + i * n, n, logQ, logPi, credit, b * width + i * n);
  }
}

/** Whether every child unit's logits of example b span at most FAST_SPREAD nats. */
function spreadsWithin(logit: Float64Array, base: number, childUnits: number, m: number): boolean {
  for (let c = 0; c < childUnits; c++) {
    let max = -Infinity;
    let min = Infinity;
    for (let k = 0; k < m; k++) {
      const z = logit[base + c * m + k];
      if (z > max) max = z;
      if (z < min) min = z;
    }
    if (max - min > FAST_SPREAD) return false;
  }
  return true;
}

/**
 * HNCA for every categorical hidden layer: each unit's log Q_i(v) for every value v from its
 * children's counterfactual log-probabilities (the next categorical layer, or the output
 * softmax for the last hidden layer), its hindsight posterior pi_i(v) rho_i(v) into
 * s.credit [batch, U·N]. Per example U·(N−1) counterfactuals of U'·N multiply-adds each (N
 * times the forward pass's order) through exp(±W) tables filled once per call; examples whose
 * weights or logits are too large for the tables take the log-domain path (one logsumexp per
 * counterfactual child), so any finite weights give finite credit. `tables[l]` is sized for
 * weights l + 1; `scratch` for the widest layer.
 * @throws Error when the network's hidden units are not categorical
 */
export function categoricalCredit(params: BanditParameters, s: BanditScratch, batch: number, tables: readonly FlipTables[], scratch: CategoricalCreditScratch): void {
  const n = categoriesOrThrow(params);
  const { sizes } = params.shape;
  const hiddenLayers = sizes.length - 2;
  const actions = sizes[sizes.length - 1];
  for (let l = 0; l < hiddenLayers; l++) {
    const width = sizes[l + 1];
    const units = width / n;
    const w = params.weights[l + 1].value;
    const last = l === hiddenLayers - 1;
    const childValues = last ? actions : n;
    const childUnits = sizes[l + 2] / childValues;
    tables[l].fill(w, 1);
    const children: CategoricalChildren = {
      logit: last ? s.outLogit : s.logit[l + 1],
      prob: last ? s.outProb : s.prob[l + 1],
      childUnits,
      childValues,
      value: last ? s.action : s.value[l + 1],
      w,
      tables: tables[l],
    };
    const fastWeights = tables[l].largestShift <= FAST_WEIGHT;
    const fast = scratch.fastFlags(batch);
    for (let b = 0; b < batch; b++) fast[b] = fastWeights && spreadsWithin(children.logit, b * sizes[l + 2], childUnits, childValues) ? 1 : 0;
    fastBatchCredit(children, batch, fast, units, n, s.value[l], s.logit[l], s, s.credit[l], scratch, width);
    for (let b = 0; b < batch; b++) {
      if (!fast[b]) logDomainExampleCredit(children, b, units, n, s.value[l], s.logit[l], s, s.credit[l], scratch, width);
    }
  }
}

/**
 * Per-logit learning signals of every categorical hidden layer into s.signal [batch, U·N]:
 * HNCA S_ik = R (post_i(k) − pi_ik) from s.credit (categoricalCredit first), or REINFORCE
 * S_ik = R (1[φ_i = k] − pi_ik); R is s.learningSignal (docs/math.md §7.1).
 * @throws Error when the network's hidden units are not categorical
 */
export function categoricalSignals(params: BanditParameters, s: BanditScratch, batch: number, hnca: boolean): void {
  const n = categoriesOrThrow(params);
  const { sizes } = params.shape;
  for (let l = 0; l + 2 < sizes.length; l++) {
    const width = sizes[l + 1];
    const units = width / n;
    for (let b = 0; b < batch; b++) {
      const r = s.learningSignal[b];
      for (let i = 0; i < units; i++) {
        const at = b * width + i * n;
        if (hnca) categoricalHncaSignals(r, s.prob[l], s.credit[l], at, n, s.signal[l]);
        else categoricalReinforceSignals(r, s.prob[l], at, n, s.value[l][b * units + i], s.signal[l], at);
      }
    }
  }
}

// The bandit network with categorical hidden units (DESIGN.md §7.1): forward pass, HNCA's
// counterfactual messages and both estimators' learning signals. A hidden layer of U units
// with N values has logits, probabilities and signals [batch, U·N] (unit i's value v at
// i·N + v), value indices [batch, U], and passes on the one-hot outputs [batch, U·N] (stored
// as 0/1 in scratch.sample, so the 0/1 paths of forward.ts and gradients.ts serve its
// children's logits and every layer's gradients). Every message is in the log domain
// (logsumexp per counterfactual child), so any finite weights give finite credit.
import type { SparseBinaryRows } from '../../data/minibatch.ts';
import { categoricalHncaSignals, categoricalReinforceSignals, hindsightPosterior, sampleCategorical } from '../units/categorical.ts';
import { logSumExp, softmaxInto } from '../units/softmax.ts';
import { hiddenInputLogits, sampleActions, sparseInputLogits, type UniformSource } from './forward.ts';
import { categoriesOf, type BanditParameters } from './parameters.ts';
import type { BanditScratch } from './scratch.ts';

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
 * Stochastic forward pass over a batch (DESIGN.md §2 with §7.1 units): per hidden layer the
 * logits z = b + Σ_{one-hot inputs} W[row, :], pi_i = softmax(z_i), φ_i ~ pi_i by inverse CDF
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
    else hiddenInputLogits(w, bias, s.sample[l - 1], sizes[l], width, false, batch, s.logit[l], s.baseLogit, s.selected);
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
  hiddenInputLogits(params.weights[hiddenLayers].value, params.biases[hiddenLayers].value, s.sample[hiddenLayers - 1], sizes[hiddenLayers], actions, false, batch, s.outLogit, s.baseLogit, s.selected);
  sampleActions(s, batch, actions, source);
}

/**
 * log Q_i(v) − (the children's actual log-probability) for one example, unit i of a layer
 * whose children are the next categorical layer (DESIGN.md §7.1): forcing unit i from φ to v
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
 * HNCA for every categorical hidden layer: each unit's log Q_i(v) for every value v from its
 * children's counterfactual log-probabilities (the next categorical layer, or the output
 * softmax for the last hidden layer), its hindsight posterior pi_i(v) rho_i(v) into
 * s.credit [batch, U·N]. Costs per example U·(N−1) counterfactuals of U'·N-way logsumexps
 * (N times the forward pass's order when the children are categorical).
 * `childLse` needs max(units per layer) entries.
 * @throws Error when the network's hidden units are not categorical
 */
export function categoricalCredit(params: BanditParameters, s: BanditScratch, batch: number, childLse: Float64Array): void {
  const n = categoriesOrThrow(params);
  const { sizes } = params.shape;
  const hiddenLayers = sizes.length - 2;
  const actions = sizes[sizes.length - 1];
  const { logQ, logPi, shiftedLogits: shifted } = s;
  for (let l = 0; l < hiddenLayers; l++) {
    const width = sizes[l + 1];
    const units = width / n;
    const w = params.weights[l + 1].value;
    const childWidth = sizes[l + 2];
    const last = l === hiddenLayers - 1;
    const childUnits = last ? 1 : childWidth / n;
    const value = s.value[l];
    for (let b = 0; b < batch; b++) {
      const cBase = b * childWidth;
      const childLogit = last ? s.outLogit : s.logit[l + 1];
      if (last) childLse[0] = logSumExp(s.outLogit, cBase, actions);
      else for (let c = 0; c < childUnits; c++) childLse[c] = logSumExp(childLogit, cBase + c * n, n);
      for (let i = 0; i < units; i++) {
        const phi = value[b * units + i];
        const rowActual = (i * n + phi) * childWidth;
        for (let v = 0; v < n; v++) {
          if (v === phi) {
            logQ[v] = 0;
            continue;
          }
          const rowAlternative = (i * n + v) * childWidth;
          if (last) {
            // log pi'(a) − log pi(a) = Delta_a − (logsumexp(z + Delta) − logsumexp(z))
            for (let k = 0; k < actions; k++) shifted[k] = s.outLogit[cBase + k] + w[rowAlternative + k] - w[rowActual + k];
            const a = s.action[b];
            logQ[v] = w[rowAlternative + a] - w[rowActual + a] - (logSumExp(shifted, 0, actions) - childLse[0]);
          } else {
            logQ[v] = categoricalChildrenLogQ(w, rowActual, rowAlternative, childLogit, cBase, s.value[l + 1], b * childUnits, childUnits, childLse, n, shifted);
          }
        }
        // logQ holds log Q(v) − log Q(φ): the posterior is invariant to that common shift
        hindsightPosterior(s.logit[l], b * width + i * n, n, logQ, logPi, s.credit[l], b * width + i * n);
      }
    }
  }
}

/**
 * Per-logit learning signals of every categorical hidden layer into s.signal [batch, U·N]:
 * HNCA S_ik = R (post_i(k) − pi_ik) from s.credit (categoricalCredit first), or REINFORCE
 * S_ik = R (1[φ_i = k] − pi_ik); R is s.learningSignal (DESIGN.md §7.1).
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

// The classroom's "update trace": every intermediate of one HNCA update on one example of a
// tiny network. Forward state, credit, signals and gradients come from the engine's BanditRun;
// only the per-edge counterfactual terms (which the engine folds into products) are expanded
// here, from the same parameters — tests check that their products give the engine's credit.
import { BanditRun } from './banditRun.ts';
import { clippedSigmoid } from '../units/bernoulli.ts';
import { logSumExp } from '../units/softmax.ts';
import { forwardKeys, type UniformSource } from './forward.ts';
import type { BanditParameters } from './parameters.ts';
import { Stream } from '../../rng/streams.ts';
import { flattenGradients, sparseRow, type TinyProblem } from './tinyNetwork.ts';

/** One (parent → Bernoulli child) edge with the parent flipped. */
export interface BernoulliMessage {
  kind: 'bernoulli';
  child: number;
  /** W[parent, child] */
  weight: number;
  /** the child's actual logit u and its logit with the parent flipped, u + w·Δ */
  logit: number;
  flippedLogit: number;
  childSample: 0 | 1;
  /** probability of the child's sampled value: actual, and with the parent flipped */
  probActual: number;
  probFlipped: number;
}

/** One (parent → action k) edge of the softmax child. */
export interface SoftmaxEdge {
  action: number;
  weight: number;
  logit: number;
  flippedLogit: number;
}

/** The softmax output as a child: its probability of the sampled action, actual and flipped. */
export interface SoftmaxMessage {
  kind: 'softmax';
  action: number;
  edges: SoftmaxEdge[];
  probActual: number;
  probFlipped: number;
}

export type ChildMessage = BernoulliMessage | SoftmaxMessage;

export interface UnitTrace {
  layer: number;
  unit: number;
  logit: number;
  prob: number;
  sample: 0 | 1;
  /** the value passed on: 2φ − 1 (±1) or φ (0/1) */
  value: number;
  /** Δ = (flipped value) − (actual value) */
  delta: number;
  children: ChildMessage[];
  /** products of the children's probabilities with the unit forced to 1 and to 0 */
  q1: number;
  q0: number;
  /** Q̄ = p Q(1) + (1 − p) Q(0) */
  qBar: number;
  rho1: number;
  rho0: number;
  /** rho(1) − rho(0) from the products above */
  credit: number;
  /** the engine's credit (BanditRun.computeCredit) */
  engineCredit: number;
  /** the engine's learning signals S_i */
  hncaSignal: number;
  reinforceSignal: number;
}

export interface OutputTrace {
  logits: number[];
  probs: number[];
  action: number;
  reward: number;
  /** R = r − b */
  learningSignal: number;
}

export interface UpdateTrace {
  x: number[];
  baseline: number;
  /** units[l][i] for hidden layer l */
  units: UnitTrace[][];
  output: OutputTrace;
  /** per-example gradient estimates, flat in params.tensors order */
  hncaGradient: Float64Array;
  reinforceGradient: Float64Array;
  /** engine's log of the actual children probability of the last Bernoulli-parent layer (NaN for one hidden layer) */
  engineLogQActual: number;
}

/** The random numbers of a lesson: the inspection streams of `seed` (as the playground's inspect uses). */
export function lessonSource(seed: number, hiddenLayers: number): UniformSource {
  return forwardKeys(seed, 0, Stream.inspectHiddenBase, Stream.inspectAction, hiddenLayers);
}

function sampledProb(p: number, sample: number): number {
  return sample === 1 ? p : 1 - p;
}

/** Runs one update of `params` on problem.x with both estimators and returns every intermediate. */
export function explainUpdate(params: BanditParameters, problem: TinyProblem, source: UniformSource, baseline = 0): UpdateTrace {
  const { sizes, hiddenValues } = params.shape;
  const hiddenLayers = sizes.length - 2;
  const actions = sizes[sizes.length - 1];
  const input = sparseRow(problem.x);
  const rewards = { labels: [0], table: Float64Array.from(problem.rewards) };
  const reinforce = new BanditRun(params, 'reinforce-baseline', 1);
  reinforce.estimateGradients(input, source, rewards, baseline);
  const reinforceGradient = flattenGradients(params);
  const reinforceSignals = reinforce.scratch.signal.map((s) => Float64Array.from(s));
  const hnca = new BanditRun(params, 'hnca-baseline', 1);
  hnca.estimateGradients(input, source, rewards, baseline);
  const hncaGradient = flattenGradients(params);
  const s = hnca.scratch;
  const magnitude = hiddenValues === 'pm1' ? 2 : 1;
  const value = (phi: number): number => (hiddenValues === 'pm1' ? 2 * phi - 1 : phi);
  const outLogits = Array.from(s.outLogit.subarray(0, actions));
  const action = s.action[0];
  const units: UnitTrace[][] = [];
  for (let l = 0; l < hiddenLayers; l++) {
    const width = sizes[l + 1];
    const childWidth = sizes[l + 2];
    const w = params.weights[l + 1].value;
    const layer: UnitTrace[] = [];
    for (let j = 0; j < width; j++) {
      const sample = s.sample[l][j] === 1 ? 1 : 0;
      const delta = sample === 1 ? -magnitude : magnitude;
      const children: ChildMessage[] = [];
      if (l === hiddenLayers - 1) {
        const edges = outLogits.map((z, k) => ({ action: k, weight: w[j * childWidth + k], logit: z, flippedLogit: z + w[j * childWidth + k] * delta }));
        const flipped = edges.map((e) => e.flippedLogit);
        children.push({
          kind: 'softmax',
          action,
          edges,
          probActual: Math.exp(outLogits[action] - logSumExp(outLogits)),
          probFlipped: Math.exp(flipped[action] - logSumExp(flipped)),
        });
      } else {
        for (let c = 0; c < childWidth; c++) {
          const weight = w[j * childWidth + c];
          const logit = s.logit[l + 1][c];
          const childSample = s.sample[l + 1][c] === 1 ? 1 : 0;
          const flippedLogit = logit + weight * delta;
          children.push({
            kind: 'bernoulli',
            child: c,
            weight,
            logit,
            flippedLogit,
            childSample,
            probActual: sampledProb(clippedSigmoid(logit), childSample),
            probFlipped: sampledProb(clippedSigmoid(flippedLogit), childSample),
          });
        }
      }
      const qActual = children.reduce((acc, c) => acc * c.probActual, 1);
      const qFlipped = children.reduce((acc, c) => acc * c.probFlipped, 1);
      const q1 = sample === 1 ? qActual : qFlipped;
      const q0 = sample === 1 ? qFlipped : qActual;
      const p = s.prob[l][j];
      const qBar = p * q1 + (1 - p) * q0;
      layer.push({
        layer: l,
        unit: j,
        logit: s.logit[l][j],
        prob: p,
        sample,
        value: value(sample),
        delta,
        children,
        q1,
        q0,
        qBar,
        rho1: q1 / qBar,
        rho0: q0 / qBar,
        credit: (q1 - q0) / qBar,
        engineCredit: s.credit[l][j],
        hncaSignal: s.signal[l][j],
        reinforceSignal: reinforceSignals[l][j],
      });
    }
    units.push(layer);
  }
  return {
    x: [...problem.x],
    baseline,
    units,
    output: {
      logits: outLogits,
      probs: Array.from(s.outProb.subarray(0, actions)),
      action,
      reward: s.reward[0],
      learningSignal: s.learningSignal[0],
    },
    hncaGradient,
    reinforceGradient,
    engineLogQActual: hiddenLayers > 1 ? s.logQActual[0] : Number.NaN,
  };
}

/** The input x_j of layer k's weight W[j, ·] in this trace: a pixel for k = 0, else a hidden value. */
export function layerInput(trace: UpdateTrace, k: number, j: number): number {
  return k === 0 ? trace.x[j] : trace.units[k - 1][j].value;
}

/** The signal S_i of unit i of layer k (k = last: the output's R(e_a − π)_i). */
export function unitSignal(trace: UpdateTrace, k: number, i: number, estimator: 'hnca' | 'reinforce'): number {
  if (k === trace.units.length) {
    const { output } = trace;
    return output.learningSignal * ((i === output.action ? 1 : 0) - output.probs[i]);
  }
  const u = trace.units[k][i];
  return estimator === 'hnca' ? u.hncaSignal : u.reinforceSignal;
}

// Every number the step-through shows, with a key (so tests can check it against the engine),
// its printed form and a one-sentence explanation for hovering.
import type { UpdateTrace } from '../../../models/bandit/explain.ts';
import { formatNumber } from './format.ts';
import { nodeName, paramInfos } from './names.ts';
import { weightIndex } from './presets.ts';
import type { Revealed, Step } from './steps.ts';
import { unitKey } from './steps.ts';

export interface Shown {
  /** e.g. "logit/0/1", "credit/1/2", "gH/17" */
  key: string;
  label: string;
  value: number;
  text: string;
  /** printed as a whole number (inputs, samples, the action, Δ) */
  integer: boolean;
  explain: string;
}

function shown(key: string, label: string, value: number, explain: string, integer = false): Shown {
  return { key, label, value, text: integer ? String(value).replace('-', '−') : formatNumber(value), integer, explain };
}

export function inputNumbers(trace: UpdateTrace, sizes: readonly number[]): Shown[] {
  return trace.x.map((v, j) => shown(`x/${j}`, nodeName(sizes, 0, j), v, `Input ${nodeName(sizes, 0, j)} = ${v}: the context this update sees (inputs are 0 or 1).`, true));
}

export function forwardNumbers(trace: UpdateTrace, sizes: readonly number[], l: number, i: number): Shown[] {
  const u = trace.units[l][i];
  const name = nodeName(sizes, l + 1, i);
  return [
    shown(`logit/${l}/${i}`, 'u', u.logit, `The logit of ${name}: its bias plus the weighted sum of its inputs.`),
    shown(`prob/${l}/${i}`, 'p', u.prob, `The probability that ${name} fires: σ(u), clipped to [1e-5, 1 − 1e-5].`),
    shown(`sample/${l}/${i}`, 'φ', u.sample, `The sampled value of ${name}: 1 if the seed's uniform number fell below p, else 0; it passes on h = ${u.value}.`, true),
  ];
}

export function outputNumbers(trace: UpdateTrace, sizes: readonly number[]): Shown[] {
  const L = sizes.length - 1;
  return trace.output.logits.flatMap((z, k) => [
    shown(`z/${k}`, `z${k + 1}`, z, `The output logit of action ${nodeName(sizes, L, k)}: its bias plus the weighted last hidden layer.`),
    shown(`pi/${k}`, `π${k + 1}`, trace.output.probs[k], `The softmax probability of choosing action ${nodeName(sizes, L, k)}.`),
  ]);
}

export function actionNumbers(trace: UpdateTrace, sizes: readonly number[]): Shown[] {
  const { output } = trace;
  const a = nodeName(sizes, sizes.length - 1, output.action);
  return [
    shown('action', 'a', output.action + 1, `The sampled action ${a}, drawn from π with the seed's uniform number.`, true),
    shown('reward', 'r', output.reward, `The reward of action ${a}, read from the reward table; the network never sees the table.`),
    shown('R', 'R', output.learningSignal, `The learning signal R = r − b that scales every gradient estimate (b = ${formatNumber(trace.baseline)} here).`),
  ];
}

export interface MessageRow {
  /** the child (a Bernoulli unit, or an action of the softmax child) */
  child: string;
  /** u (or z), w, u + w·Δ, and for Bernoulli children π and π′ of the sampled value */
  cells: Shown[];
}

/** Per edge of a messages step: the child's logit, the weight, the flipped logit and (Bernoulli) the two probabilities. */
export function messageRows(trace: UpdateTrace, sizes: readonly number[], l: number, j: number): MessageRow[] {
  const u = trace.units[l][j];
  const parent = nodeName(sizes, l + 1, j);
  const col = l + 2;
  return u.children.flatMap((c): MessageRow[] => {
    if (c.kind === 'softmax') {
      return c.edges.map((e) => {
        const k = nodeName(sizes, col, e.action);
        return {
          child: k,
          cells: [
            shown(`z/${e.action}`, 'z', e.logit, `The actual output logit of ${k}.`),
            shown(`w/${weightIndex(sizes, l + 1, j, e.action)}`, 'w', e.weight, `The weight from ${parent} to ${k}.`),
            shown(`flipz/${l}/${j}/${e.action}`, 'z + w·Δ', e.flippedLogit, `The output logit of ${k} had ${parent} been flipped: z + w·Δ.`),
          ],
        };
      });
    }
    const child = nodeName(sizes, col, c.child);
    return [
      {
        child,
        cells: [
          shown(`logit/${l + 1}/${c.child}`, 'u', c.logit, `The actual logit of ${child}.`),
          shown(`w/${weightIndex(sizes, l + 1, j, c.child)}`, 'w', c.weight, `The weight from ${parent} to ${child}.`),
          shown(`flip/${l}/${j}/${c.child}`, 'u + w·Δ', c.flippedLogit, `The logit ${child} would have had if ${parent} were flipped: u + w·Δ.`),
          shown(`probActual/${l}/${j}/${c.child}`, 'π(φ)', c.probActual, `The probability of ${child}'s sampled value φ = ${c.childSample}, as it actually happened.`),
          shown(`probFlipped/${l}/${j}/${c.child}`, 'π′(φ)', c.probFlipped, `The probability of ${child}'s sampled value φ = ${c.childSample} had ${parent} been flipped.`),
        ],
      },
    ];
  });
}

/** The softmax child's probability of the taken action, actual and with the parent flipped (last hidden layer only). */
export function softmaxMessage(trace: UpdateTrace, sizes: readonly number[], l: number, j: number): Shown[] {
  const c = trace.units[l][j].children[0];
  if (c.kind !== 'softmax') return [];
  const a = nodeName(sizes, sizes.length - 1, c.action);
  const parent = nodeName(sizes, l + 1, j);
  return [
    shown(`piActual/${l}/${j}`, `π(${a})`, c.probActual, `The probability of the action actually taken, ${a}.`),
    shown(`piFlipped/${l}/${j}`, `π′(${a})`, c.probFlipped, `The probability of the action ${a} had ${parent} been flipped.`),
  ];
}

export function deltaNumber(trace: UpdateTrace, sizes: readonly number[], l: number, j: number): Shown {
  const u = trace.units[l][j];
  return shown(`delta/${l}/${j}`, 'Δ', u.delta, `Flipping ${nodeName(sizes, l + 1, j)} from h = ${u.value} to its other value changes what it passes on by Δ = ${u.delta}.`, true);
}

export function messageNumbers(trace: UpdateTrace, sizes: readonly number[], l: number, j: number): Shown[] {
  return [deltaNumber(trace, sizes, l, j), ...messageRows(trace, sizes, l, j).flatMap((r) => r.cells), ...softmaxMessage(trace, sizes, l, j)];
}

export function creditNumbers(trace: UpdateTrace, sizes: readonly number[], l: number, j: number): Shown[] {
  const u = trace.units[l][j];
  const name = nodeName(sizes, l + 1, j);
  return [
    shown(`q1/${l}/${j}`, 'Q(1)', u.q1, `How likely the children's sampled values are if ${name} is 1: the product of their probabilities.`),
    shown(`q0/${l}/${j}`, 'Q(0)', u.q0, `How likely the children's sampled values are if ${name} is 0 (its other value).`),
    shown(`rho1/${l}/${j}`, 'ρ(1)', u.rho1, `Q(1) relative to its average over ${name}'s own distribution: how much firing explains what happened downstream.`),
    shown(`rho0/${l}/${j}`, 'ρ(0)', u.rho0, `Q(0) relative to its average over ${name}'s own distribution.`),
    shown(`credit/${l}/${j}`, 'ρ(1)−ρ(0)', u.credit, `HNCA's credit of ${name}: zero when its value cannot change anything downstream.`),
    shown(`hncaS/${l}/${j}`, 'S HNCA', u.hncaSignal, `HNCA's signal for ${name}: R·p(1−p)·(ρ(1) − ρ(0)), the engine's value.`),
    shown(`reinforceS/${l}/${j}`, 'S REINFORCE', u.reinforceSignal, `REINFORCE's signal for ${name}: R·(φ − p), nonzero whenever R is, whatever ${name} did.`),
  ];
}

export interface GradientRow {
  label: string;
  /** source (−1: bias) and unit */
  j: number;
  i: number;
  hnca: Shown;
  reinforce: Shown;
}

export function gradientRows(trace: UpdateTrace, sizes: readonly number[], k: number): GradientRow[] {
  return paramInfos(sizes)
    .filter((p) => p.k === k)
    .map((p) => ({
      label: p.label,
      j: p.j,
      i: p.i,
      hnca: shown(`gH/${p.index}`, 'HNCA', trace.hncaGradient[p.index], `HNCA's estimate of ∂E[r]/∂(${p.label}) from this one sample: S·${p.kind === 'bias' ? '1' : 'x'}.`),
      reinforce: shown(`gR/${p.index}`, 'REINFORCE', trace.reinforceGradient[p.index], `REINFORCE's estimate of ∂E[r]/∂(${p.label}) from this one sample: S·${p.kind === 'bias' ? '1' : 'x'}.`),
    }));
}

export interface GradientMatrix {
  /** column heads: the units of layer k + 1 */
  units: string[];
  /** one row per source (inputs or units of layer k), then the biases */
  rows: { source: string; cells: GradientRow[] }[];
}

/** The gradient rows of weight layer k arranged as a source × unit matrix. */
export function gradientMatrix(trace: UpdateTrace, sizes: readonly number[], k: number): GradientMatrix {
  const rows = gradientRows(trace, sizes, k);
  const sources = [...Array.from({ length: sizes[k] }, (_, j) => ({ j, source: nodeName(sizes, k, j) })), { j: -1, source: 'bias' }];
  return {
    units: Array.from({ length: sizes[k + 1] }, (_, i) => nodeName(sizes, k + 1, i)),
    rows: sources.map(({ j, source }) => ({ source, cells: rows.filter((r) => r.j === j).sort((a, b) => a.i - b.i) })),
  };
}

export function gradientNumbers(trace: UpdateTrace, sizes: readonly number[], k: number): Shown[] {
  return gradientRows(trace, sizes, k).flatMap((r) => [r.hnca, r.reinforce]);
}

/** The numbers of the current step's detail panel. */
export function stepNumbers(trace: UpdateTrace, sizes: readonly number[], step: Step): Shown[] {
  switch (step.kind) {
    case 'start':
      return inputNumbers(trace, sizes);
    case 'forward':
      return forwardNumbers(trace, sizes, step.layer, step.unit);
    case 'output':
      return outputNumbers(trace, sizes);
    case 'action':
      return actionNumbers(trace, sizes);
    case 'messages':
      return messageNumbers(trace, sizes, step.layer, step.unit);
    case 'credit':
      return creditNumbers(trace, sizes, step.layer, step.unit);
    case 'gradients':
      return gradientNumbers(trace, sizes, step.k);
  }
}

/** Numbers drawn inside each node of the diagram (by node column and index), given what is revealed. */
export function nodeNumbers(trace: UpdateTrace, sizes: readonly number[], r: Revealed, col: number, i: number): Shown[] {
  if (col === 0) return [inputNumbers(trace, sizes)[i]];
  if (col === sizes.length - 1) {
    if (!r.output) return [];
    const pi = outputNumbers(trace, sizes).filter((s) => s.key === `pi/${i}`);
    if (r.action && trace.output.action === i) return [...pi, actionNumbers(trace, sizes)[1]];
    return pi;
  }
  const l = col - 1;
  const out: Shown[] = [];
  if (r.forward.has(unitKey(l, i))) out.push(...forwardNumbers(trace, sizes, l, i));
  if (r.credit.has(unitKey(l, i))) out.push(creditNumbers(trace, sizes, l, i)[4]);
  return out;
}

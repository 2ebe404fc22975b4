// The title, formula (TeX) and worked instance (TeX, with this update's numbers) of each step.
import type { UpdateTrace } from '../../../models/bandit/explain.ts';
import { layerInput } from '../../../models/bandit/explain.ts';
import { texNumber as t } from './format.ts';

/** a standalone value (no parentheses) */
const v = (x: number): string => t(x, 3, false);
import { nodeName } from './names.ts';
import { biasIndex, weightIndex } from './presets.ts';
import type { Step } from './steps.ts';

export interface StepText {
  title: string;
  /** the step in one plain sentence, with this update's values where they help (issue 24) */
  plain: string;
  formula: string;
  instance: string;
}

const name = (sizes: readonly number[], col: number, i: number): string => nodeName(sizes, col, i).replace(/^([xha])(.*)$/, '$1_{$2}');

export function stepText(trace: UpdateTrace, sizes: readonly number[], weights: readonly number[], step: Step): StepText {
  const last = sizes.length - 1;
  switch (step.kind) {
    case 'start':
      return {
        title: 'The input',
        plain: `The network is shown one input of ${sizes[0]} values, each 0 or 1; everything below follows from it.`,
        formula: 'x \\in \\{0,1\\}^{' + sizes[0] + '}',
        instance: `x = (${trace.x.join(', ')})`,
      };
    case 'forward': {
      const { layer: l, unit: i } = step;
      const u = trace.units[l][i];
      const terms = Array.from({ length: sizes[l] }, (_, j) => `${t(weights[weightIndex(sizes, l, j, i)], 2)}\\cdot${t(layerInput(trace, l, j), 0)}`);
      return {
        title: `Forward: unit ${nodeName(sizes, l + 1, i)}`,
        plain: `Unit ${nodeName(sizes, l + 1, i)} adds up its weighted inputs, turns the sum into a probability of firing (${u.prob.toFixed(2)}) and flips a coin with that probability: this time it ${u.sample === 1 ? 'fired (φ = 1)' : 'stayed off (φ = 0)'}.`,
        formula: 'u_i = b_i + \\sum_j W_{ji}\\,x_j,\\quad p_i = \\mathrm{clip}(\\sigma(u_i)),\\quad \\phi_i \\sim \\mathrm{Bernoulli}(p_i)',
        instance: `\\begin{gathered}u = ${t(weights[biasIndex(sizes, l, i)], 2, false)} + ${terms.join(' + ')} = ${v(u.logit)} \\\\ p = \\mathrm{clip}(\\sigma(${v(u.logit)})) = ${v(u.prob)},\\quad \\phi = ${u.sample}\\end{gathered}`,
      };
    }
    case 'output':
      return {
        title: 'Output: logits and softmax',
        plain: `The output layer turns the last hidden layer’s values into a probability for each of the ${sizes[last]} actions.`,
        formula: 'z_k = c_k + \\sum_j V_{jk}\\,h_j,\\qquad \\pi_k = \\frac{e^{z_k}}{\\sum_m e^{z_m}}',
        instance: `\\pi = (${trace.output.probs.map((p) => v(p)).join(',\\ ')})`,
      };
    case 'action': {
      const { output } = trace;
      return {
        title: 'Action and reward',
        plain: `The network picks action ${nodeName(sizes, last, output.action)} at random with those probabilities and gets reward ${output.reward}; it is never told which action would have been best.`,
        formula: 'a \\sim \\pi,\\qquad r = r(a),\\qquad R = r - b',
        instance: `a = ${name(sizes, last, output.action)},\\; r = ${v(output.reward)},\\; R = ${v(output.learningSignal)}`,
      };
    }
    case 'messages': {
      const { layer: l, unit: j } = step;
      const u = trace.units[l][j];
      const child = u.children[0];
      const parent = name(sizes, l + 1, j);
      if (child.kind === 'softmax') {
        const rows = child.edges.map((e) => `z'_{${e.action + 1}} = ${v(e.logit)} + ${t(e.weight, 2)}\\cdot${t(u.delta, 0)} = ${v(e.flippedLogit)}`);
        return {
          title: `Messages to ${nodeName(sizes, l + 1, j)} from the softmax`,
          plain: `To judge unit ${nodeName(sizes, l + 1, j)}, HNCA asks the output: how likely would the chosen action have been had ${nodeName(sizes, l + 1, j)} taken its other value?`,
          formula: `z' = z + V_{${parent}\\,\\cdot}\\,\\Delta,\\qquad \\pi'(a) = \\mathrm{softmax}(z')_a`,
          instance: `\\begin{gathered}${rows.join(' \\\\ ')} \\\\ \\pi(a) = ${v(child.probActual)} \\;\\to\\; \\pi'(a) = ${v(child.probFlipped)}\\end{gathered}`,
        };
      }
      const rows = u.children.flatMap((c) =>
        c.kind === 'bernoulli' ? [`u'_{${name(sizes, l + 2, c.child)}} = ${v(c.logit)} + ${t(c.weight, 2)}\\cdot${t(u.delta, 0)} = ${v(c.flippedLogit)}`] : [],
      );
      return {
        title: `Messages to ${nodeName(sizes, l + 1, j)} from its children`,
        plain: `To judge unit ${nodeName(sizes, l + 1, j)}, HNCA asks each unit it feeds: how likely would your own value have been had ${nodeName(sizes, l + 1, j)} taken its other value?`,
        formula: `u_c' = u_c + W_{${parent}\\,c}\\,\\Delta,\\qquad \\pi_c' = \\sigma(u_c')^{\\phi_c}\\,(1-\\sigma(u_c'))^{1-\\phi_c}`,
        instance: `\\begin{gathered}${rows.join(' \\\\ ')}\\end{gathered}`,
      };
    }
    case 'credit': {
      const { layer: l, unit: j } = step;
      const u = trace.units[l][j];
      return {
        title: `Credit of ${nodeName(sizes, l + 1, j)}`,
        plain: `HNCA credits ${nodeName(sizes, l + 1, j)} by how much firing rather than staying off makes what its children did, and so the reward, more likely; REINFORCE credits it with the whole reward, whatever its children say.`,
        formula:
          '\\begin{gathered}Q(v) = \\prod_c \\pi_c(\\phi_c \\mid h = v),\\qquad \\rho(v) = \\frac{Q(v)}{p\\,Q(1) + (1-p)\\,Q(0)} \\\\ S^{\\text{HNCA}} = R\\,p(1-p)\\,(\\rho(1)-\\rho(0)),\\qquad S^{\\text{RF}} = R\\,(\\phi - p)\\end{gathered}',
        instance: `\\begin{gathered}Q(1) = ${v(u.q1)},\\; Q(0) = ${v(u.q0)},\\; \\rho(1) - \\rho(0) = ${v(u.rho1)} - ${t(u.rho0)} = ${v(u.credit)} \\\\ S^{\\text{HNCA}} = ${v(u.hncaSignal)},\\qquad S^{\\text{RF}} = ${v(u.reinforceSignal)}\\end{gathered}`,
      };
    }
    case 'gradients': {
      const k = step.k;
      const what = k === last - 1 ? 'output layer (HNCA = REINFORCE here)' : `layer ${k + 1}`;
      return {
        title: `Gradient estimates: ${what}`,
        plain:
          k === last - 1
            ? 'At the output layer HNCA and REINFORCE agree: each weight’s estimate is the reward signal times how the chosen action’s probability depends on it.'
            : 'Each weight’s gradient estimate is its unit’s learning signal S (the reward times p(1 − p) times the credit ρ(1) − ρ(0) shown in the unit’s box) times the input it received; training nudges the weights along these estimates.',
        formula: 'g_{W_{ji}} = S_i\\,x_j,\\qquad g_{b_i} = S_i',
        instance: k === last - 1 ? 'S_k = R\\,([k = a] - \\pi_k)' : 'S^{\\text{HNCA}}_i = R\\,p_i(1-p_i)(\\rho_i(1)-\\rho_i(0)),\\quad S^{\\text{RF}}_i = R(\\phi_i - p_i)',
      };
    }
  }
}

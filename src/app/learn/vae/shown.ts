// Every number and sentence the VAE lesson shows, per step, read from explainVaeUpdate (the
// engine's ExampleWork on the lesson's draws). Keys let tests check each value against the engine.
import { VAE_LESSON_ESTIMATORS, type ChildFlip, type VaeLessonEstimator, type VaeUpdateExplained } from '../../../models/vae/explain.ts';
import { estimatorLabel } from '../../../engine/estimators.ts';
import { formatNumber, texNumber } from '../model/format.ts';
import type { Shown } from '../model/shown.ts';
import { vaeNodeName, vaeParamInfos, type VaeStep } from './lesson.ts';

function shown(key: string, label: string, value: number, explain: string, integer = false): Shown {
  return { key, label, value, text: integer ? String(value).replace('-', '−') : formatNumber(value), integer, explain };
}

export interface NumberGroup {
  heading: string;
  numbers: Shown[];
}

export interface NumberTable {
  caption: string;
  columns: string[];
  rows: { head: string; cells: Shown[] }[];
}

export interface VaeStepView {
  title: string;
  /** one plain-language sentence: what happens in this step and why */
  sentence: string;
  formula: string;
  instance: string;
  groups: NumberGroup[];
  tables: NumberTable[];
  /** pseudo-code lines (indices into VAE_PSEUDO_CODE) the step executes */
  lines: number[];
}

/** f-HNCA's update for one example as pseudo-code (docs/math.md §3.1), one entry per line. */
export const VAE_PSEUDO_CODE: readonly string[] = [
  'for each encoder layer l = 1 … L:  u ← b + Wᵀφ_{l−1} ;  p ← σ(clip u) ;  φ_l ~ Bernoulli(p)',
  'f ← Σ_m log p_m(φ_m | φ_m+1) + Σ_l H(q_l)        (decoder terms, prior, entropies)',
  'for each encoder unit i of layer l:  Δ ← 1 − 2φ_i',
  '    each child c (decoder layer l−1, encoder layer l+1):  logit_c′ ← logit_c + Δ·w_ic',
  '    Q(v) ← Π_c q(φ_c | φ_i = v), c in layer l+1 ;  ρ(v) ← Q(v) / (p Q(1) + (1−p) Q(0))',
  '    S ← −ũ_i + [Dn(1) − Dn(0)] + [decoder above, ρ-weighted] + [E(1) − E(0)]   (direct terms 1–4)',
  '      + (ρ(1) − ρ(0))·(R_l − b_l)                             (mediated)',
  '    g_u ← p(1 − p)·S   (REINFORCE: g_u ← −p(1−p)ũ + (φ − p)(F_l − b_l))',
  'g_W[j,i] ← g_u φ_{l−1,j} ;  g_b[i] ← g_u ;  decoder: g_v ← φ − σ(v)  (exact)',
];

const EST_SHORT: Record<VaeLessonEstimator, string> = { fhnca: 'f-HNCA', 'fhnca-baseline': 'f-HNCA + b', reinforce: 'REINFORCE', 'reinforce-baseline': 'REINFORCE + b' };

export function estimatorShort(e: VaeLessonEstimator): string {
  return EST_SHORT[e];
}

function childTable(kind: 'decoder' | 'encoder', t: VaeUpdateExplained, children: ChildFlip[]): NumberTable {
  const { layer, unit, delta } = t.unit;
  const name = vaeNodeName(layer, unit);
  const childLayer = kind === 'decoder' ? layer - 1 : layer + 1;
  const of = kind === 'decoder' ? (layer === 1 ? 'the reconstruction p_0(x | φ_1)' : `the decoder term p_${layer - 1}(φ_${layer - 1} | φ_${layer})`) : `the encoder q_${layer + 1}(φ_${layer + 1} | φ_${layer})`;
  const columns = ['value', `w from ${name}`, 'logit', `logit, ${name} flipped`, 'log π(value)', 'log π, flipped'];
  if (kind === 'encoder') columns.push('H', 'H, flipped');
  const rows = children.map((ch) => {
    const cn = vaeNodeName(childLayer, ch.c);
    const k = `${kind}/${ch.c}`;
    const cells = [
      shown(`${k}/value`, 'value', ch.value, `${cn}'s sampled value${childLayer === 0 ? ' (a pixel of the input)' : ''}; it stays fixed while ${name} is flipped.`, true),
      shown(`${k}/w`, 'w', ch.w, `The weight from ${name} to ${cn} in ${of}.`),
      shown(`${k}/logit`, 'logit', ch.logit, `${cn}'s logit in ${of} with every value as sampled${kind === 'encoder' ? ' (clamped to ±11.51)' : ''}.`),
      shown(`${k}/logitFlip`, "logit'", ch.logitFlip, `${cn}'s logit with ${name} flipped: logit + Δ·w = ${formatNumber(ch.logit)} + (${delta})·${formatNumber(ch.w)}.`),
      shown(`${k}/logProb`, 'log π', ch.logProb, `log-probability of ${cn}'s value under its actual logit (nats).`),
      shown(`${k}/logProbFlip`, "log π'", ch.logProbFlip, `log-probability of ${cn}'s value if ${name} were flipped (nats).`),
    ];
    if (kind === 'encoder')
      cells.push(
        shown(`${k}/entropy`, 'H', ch.entropy, `Entropy of ${cn}'s Bernoulli in the encoder (nats); part of the ELBO.`),
        shown(`${k}/entropyFlip`, "H'", ch.entropyFlip, `Entropy of ${cn} if ${name} were flipped (nats).`),
      );
    return { head: cn, cells };
  });
  return { caption: kind === 'decoder' ? `Children in the decoder (${of})` : `Children in the encoder (${of})`, columns, rows };
}

function estimatorGroup(t: VaeUpdateExplained): NumberGroup {
  const { layer, unit } = t.unit;
  const name = vaeNodeName(layer, unit);
  return {
    heading: `∂f/∂u of ${name}, one sample each`,
    numbers: VAE_LESSON_ESTIMATORS.map((e) =>
      shown(`gu/${e}`, EST_SHORT[e], t.estimates[e].encGrad[layer][unit], `${estimatorLabel(e)}'s one-sample estimate of the ELBO's gradient with respect to ${name}'s logit u; every estimator is unbiased, they differ in noise.`),
    ),
  };
}

/** Exact variance of the chosen unit's bias gradient (= Var g_u) per estimator, over all encoder samples. */
function varianceGroup(t: VaeUpdateExplained): NumberGroup {
  const { layer, unit } = t.unit;
  const name = vaeNodeName(layer, unit);
  const k = vaeParamInfos().findIndex((p) => p.label === `b${layer}[${name}]`);
  return {
    heading: `exact variance of g_u over all 16 samples (the noise each estimator adds)`,
    numbers: VAE_LESSON_ESTIMATORS.map((e) =>
      shown(`var/${e}`, EST_SHORT[e], t.moments[e].variance[k], `The exact variance of ${estimatorLabel(e)}'s one-sample gradient for ${name}'s logit (its bias), summed over every encoder sample with its probability; lower means fewer updates to learn the same thing.`),
    ),
  };
}

/** The current step's title, sentence, formulas and numbers. */
export function vaeStepView(t: VaeUpdateExplained, step: VaeStep): VaeStepView {
  const s = t.main;
  const U = t.unit;
  const name = vaeNodeName(U.layer, U.unit);
  const L = t.sizes.length - 1;
  switch (step.kind) {
    case 'input':
      return {
        title: 'The input and the objective',
        sentence: 'An image of 4 binary pixels goes up through a stochastic encoder of two layers; the decoder and prior score what was sampled, and f, the ELBO of this one sample, is what every unit is trained to raise. Unlike the bandit\'s reward, f is a known function of every sampled value, so f-HNCA can read off exactly which of its terms a unit changes.',
        formula: '\\begin{gathered} f = \\log p_0(x\\mid\\phi_1) + \\log p_1(\\phi_1\\mid\\phi_2) + \\log p_2(\\phi_2) \\\\ + \\mathcal H(q_1) + \\mathcal H(q_2) \\end{gathered}',
        instance: `x = (${t.x.join(',')})`,
        groups: [{ heading: 'pixels x', numbers: t.x.map((v, j) => shown(`x/${j}`, vaeNodeName(0, j), v, `Pixel ${j + 1} of the input image (0 or 1); the encoder reads it, the decoder tries to reconstruct it.`, true)) }],
        tables: [],
        lines: [],
      };
    case 'encoder': {
      const l = step.layer;
      const n = t.sizes[l];
      const numbers: Shown[] = [];
      for (let i = 0; i < n; i++) {
        const hn = vaeNodeName(l, i);
        numbers.push(
          shown(`u/${l}/${i}`, `u ${hn}`, s.u[l][i], `${hn}'s logit: its bias plus the weights of the ${l === 1 ? 'pixels' : 'layer-1 units'} that are 1.`),
          shown(`p/${l}/${i}`, `p ${hn}`, s.p[l][i], `Probability that ${hn} is 1: σ(u) with u clamped to ±11.51.`),
          shown(`phi/${l}/${i}`, `φ ${hn}`, s.phi[l][i], `${hn}'s sample: 1 when the seed's uniform draw fell below p.`, true),
        );
      }
      numbers.push(shown(`ent/${l}`, `H(q_${l})`, s.ent[l], `Entropy of encoder layer ${l} given the layer below (nats): a term of f that depends on p, not on the sample.`));
      return {
        title: `Encoder layer ${l}: sample φ_${l}`,
        sentence: `Each unit of layer ${l} computes a probability from the ${l === 1 ? 'pixels' : 'samples of layer 1'} and flips a biased coin; the layer's entropy joins f.`,
        formula: `\\begin{gathered} u^{(${l})} = b^{(${l})} + W^{(${l})\\top}\\phi_{${l - 1}},\\quad p = \\sigma(\\tilde u),\\quad \\phi_{${l}} \\sim \\mathrm{Bernoulli}(p) \\\\ \\mathcal H(q_${l}) = -\\textstyle\\sum_i [p_i\\log p_i + (1-p_i)\\log(1-p_i)] \\end{gathered}`,
        instance: `p = (${Array.from(s.p[l], (v) => texNumber(v, 3, false)).join(',\\ ')}),\\ \\phi_${l} = (${Array.from(s.phi[l]).join(',')}),\\ \\mathcal H(q_${l}) = ${texNumber(s.ent[l])}`,
        groups: [{ heading: `layer ${l}`, numbers }],
        tables: [],
        lines: [0],
      };
    }
    case 'decoder': {
      const groups: NumberGroup[] = [];
      for (let m = L; m >= 0; m--) {
        const numbers: Shown[] = [];
        for (let i = 0; i < t.sizes[m]; i++) {
          const nn = vaeNodeName(m, i);
          numbers.push(shown(`P/${m}/${i}`, `P ${nn}`, s.dp[m][i], m === L ? `The prior's probability that ${nn} is 1: σ of its prior logit.` : `The decoder's probability that ${nn} is 1 given layer ${m + 1}'s sample.`));
        }
        numbers.push(shown(`dec/${m}`, m === L ? 'log p_2(φ_2)' : m === 0 ? 'log p_0(x|φ_1)' : `log p_${m}(φ_${m}|φ_${m + 1})`, s.dec[m], m === 0 ? 'The reconstruction: log-probability of the input pixels given layer 1 (nats).' : m === L ? 'The log prior of the top layer\'s sample (nats).' : `Decoder term: log-probability of layer ${m}'s sample given layer ${m + 1}'s (nats).`));
        groups.push({ heading: m === L ? 'prior p_2' : `decoder p_${m}`, numbers });
      }
      groups.push({ heading: 'the ELBO of this sample', numbers: [shown('elbo', 'f', t.elbo, 'The single-sample ELBO: the decoder terms, the log prior and both encoder entropies (nats).'), shown('exactElbo', 'E[f]', t.exact.elbo, 'The ELBO averaged exactly over all 16 encoder samples: what training raises (nats).')] });
      return {
        title: 'Decoder and prior score the sample',
        sentence: 'Going back down, the prior scores φ_2, the decoder scores φ_1 given φ_2 and the pixels given φ_1; these log-probabilities and the two entropies add up to f. The decoder\'s own gradient needs no estimator.',
        formula: '\\begin{gathered} \\log p_m(\\phi_m\\mid\\phi_{m+1}) = \\textstyle\\sum_i \\log \\mathrm{Bernoulli}(\\phi_{m,i};\\, \\sigma(v_i)) \\\\ v^{(m)} = d^{(m)} + D^{(m)\\top}\\phi_{m+1} \\end{gathered}',
        instance: `f = ${texNumber(s.dec[0])} + ${texNumber(s.dec[1])} + ${texNumber(s.dec[2])} + ${texNumber(s.ent[1])} + ${texNumber(s.ent[2])} = ${texNumber(t.elbo)}`,
        groups,
        tables: [],
        lines: [1],
      };
    }
    case 'children': {
      const tables = [childTable('decoder', t, U.decoderChildren)];
      if (U.encoderChildren.length > 0) tables.push(childTable('encoder', t, U.encoderChildren));
      return {
        title: `${name}'s children, with ${name} flipped`,
        sentence: `${name} (sampled ${U.phi}) influences f only through its children: the ${U.layer === 1 ? 'pixels' : 'layer-1 units'} in the decoder${U.layer < L ? ` and the layer-${U.layer + 1} units in the encoder` : ''}; flipping it shifts each child's logit by Δ·w while every other value stays as sampled.`,
        formula: `\\Delta = 1 - 2\\phi_i,\\qquad \\text{logit}'_c = \\text{logit}_c + \\Delta\\, w_{ic}`,
        instance: `\\Delta = ${U.delta},\\quad \\mathrm{Dn}(\\text{flip}) - \\mathrm{Dn} = ${texNumber(U.dn)}${U.layer < L ? `,\\quad \\log Q(\\text{flip}) - \\log Q = ${texNumber(U.dlq)}` : ''}`,
        groups: [
          {
            heading: 'sums over the children',
            numbers: [
              shown('delta', 'Δ', U.delta, `The flip's sign: +1 when ${name} is 0 (forced to 1), −1 when it is 1.`, true),
              shown('dn', 'ΔDn', U.dn, `How much the decoder term below (its children's log-probabilities) changes when ${name} is flipped (nats); the engine's flipLogProbDelta.`),
              ...(U.layer < L
                ? [
                    shown('dlq', 'Δlog Q', U.dlq, `How much the encoder children's log-probability changes when ${name} is flipped; the engine's encoderChildDeltas.`),
                    shown('dent', 'ΔH', U.dent, `How much layer ${U.layer + 1}'s entropy changes when ${name} is flipped (nats).`),
                  ]
                : []),
            ],
          },
        ],
        tables,
        lines: [2, 3],
      };
    }
    case 'rho': {
      const top = U.layer === L;
      return {
        title: top ? `ρ of ${name}: a top unit has no encoder children` : `ρ: how much more likely ${name}'s children are with ${name} = 1 or 0`,
        sentence: top
          ? `${name} is in the top layer: no encoder unit reads it, so Q(1) = Q(0) = 1 and ρ(1) = ρ(0) = 1: nothing above it is credited through children.`
          : `Multiply the encoder children's probabilities with ${name} forced to 1 and to 0; dividing each product by their average under p gives ρ, which says how the sample above would have been more or less likely.`,
        formula: '\\begin{gathered} Q(v) = \\prod_{c} q(\\phi_c \\mid \\phi_i = v) \\\\ \\rho(v) = \\frac{Q(v)}{p\\,Q(1) + (1-p)\\,Q(0)} \\end{gathered}',
        instance: `\\begin{gathered} Q(1) = ${texNumber(U.q1)},\\ Q(0) = ${texNumber(U.q0)},\\ p = ${texNumber(U.p)} \\\\ \\Rightarrow\\ \\rho(1) = ${texNumber(U.rho1)},\\ \\rho(0) = ${texNumber(U.rho0)} \\end{gathered}`,
        groups: [
          {
            heading: `${name}`,
            numbers: [
              shown('p', 'p', U.p, `${name}'s probability of being 1.`),
              shown('Q1', 'Q(1)', U.q1, `The product of the encoder children's probabilities of their sampled values with ${name} forced to 1.`),
              shown('Q0', 'Q(0)', U.q0, `The same product with ${name} forced to 0.`),
              shown('rho1', 'ρ(1)', U.rho1, `Q(1) divided by p·Q(1) + (1−p)·Q(0): the engine's rhoPair.`),
              shown('rho0', 'ρ(0)', U.rho0, `Q(0) divided by p·Q(1) + (1−p)·Q(0).`),
              shown('credit', 'ρ(1) − ρ(0)', U.rho1 - U.rho0, `What multiplies everything ${name} reaches only through its encoder children (mediated terms).`),
            ],
          },
        ],
        tables: [],
        lines: [4],
      };
    }
    case 'terms': {
      const [t1, t2, t3, t4] = U.terms;
      return {
        title: `The terms of f that ${name} touches directly`,
        sentence: `f is a known function of the samples, so f-HNCA reads off exactly how each term changes with ${name}: its own entropy, the decoder term below (its decoder children), the decoder term above (its own prior/decoder probability, the rest weighted by ρ) and layer ${U.layer + 1}'s entropy.`,
        formula: '\\begin{gathered} S_{\\text{direct}} = \\underbrace{-\\tilde u_i}_{1} + \\underbrace{\\mathrm{Dn}(1) - \\mathrm{Dn}(0)}_{2} \\\\ + \\underbrace{\\rho_1 \\log P_i - \\rho_0 \\log(1-P_i) + (\\rho_1-\\rho_0)\\textstyle\\sum_{k\\ne i}\\log p(\\phi_k)}_{3} + \\underbrace{E(1) - E(0)}_{4} \\end{gathered}',
        instance: `${texNumber(t1)} + ${texNumber(t2)} + ${texNumber(t3)} + ${texNumber(t4)} = ${texNumber(t1 + t2 + t3 + t4)}`,
        groups: [
          {
            heading: 'terms 1–4',
            numbers: [
              shown('term1', '1: own entropy', t1, `The derivative of ${name}'s own entropy, divided by p(1−p): log(1−p) − log p = −ũ.`),
              shown('term2', '2: decoder below', t2, `Dn(1) − Dn(0): the change of the decoder term below when ${name} goes from 0 to 1 (Δ·ΔDn); 0 when ${name} has no decoder weights.`),
              shown('term3', '3: decoder above', t3, `The decoder term above (${U.layer === L ? 'the prior' : `log p_${U.layer}(φ_${U.layer}|φ_${U.layer + 1})`}): ${name}'s own component weighted by ρ(1), ρ(0), the other units' components by ρ(1) − ρ(0).`),
              shown('term4', '4: next entropy', t4, U.layer === L ? 'No encoder layer above the top: 0.' : `E(1) − E(0): the change of layer ${U.layer + 1}'s entropy when ${name} goes from 0 to 1.`),
              shown('vAbove', 'v (logit above)', U.vAbove, `${name}'s logit in the decoder term above: P = σ(v) is its ${U.layer === L ? 'prior' : 'decoder'} probability of being 1.`),
            ],
          },
        ],
        tables: [],
        lines: [5],
      };
    }
    case 'signal': {
      const b = t.estimates['fhnca-baseline'].baselines[U.layer];
      const direct = U.terms.reduce((a, v) => a + v, 0);
      const credit = U.rho1 - U.rho0;
      const pq = U.p * (1 - U.p);
      const bR = t.estimates['reinforce-baseline'].baselines[U.layer];
      return {
        title: 'The mediated term, the baseline, and REINFORCE beside it',
        sentence:
          U.layer === L
            ? `${name} is a top unit: ρ(1) = ρ(0), so term 5 is 0 and a baseline changes nothing; REINFORCE instead multiplies all of F by (φ − p) and is far noisier.`
            : `Terms further up (R_${U.layer}: the prior${L > U.layer + 1 ? ' and higher layers' : ''}) reach ${name} only through its children ("mediated"): f-HNCA weights them by ρ(1) − ρ(0), which averages to 0 over the children's samples — so subtracting a baseline b keeps the estimate unbiased and, when R is far from 0, removes most of its noise. From two layers on this term exists; at one layer it does not.`,
        formula: '\\begin{gathered} S = S_{\\text{direct}} + (\\rho_1 - \\rho_0)(R_l - b_l),\\quad g_u = p(1-p)\\,S \\\\ \\text{REINFORCE: } g_u = -p(1-p)\\tilde u + (\\phi - p)(F_l - b_l) \\end{gathered}',
        instance: `g_u = ${texNumber(pq)}\\,(${texNumber(direct, 3, false)} + ${texNumber(credit)}\\,(${texNumber(U.furtherUp, 3, false)} - ${texNumber(b)}))`,
        groups: [
          {
            heading: 'f-HNCA',
            numbers: [
              shown('R', `R_${U.layer}`, U.furtherUp, `Everything further up that ${name} reaches only through its children (nats): ${U.layer === L ? 'nothing for a top unit' : 'the prior and the decoder terms and entropies above layer ' + (U.layer + 1)}.`),
              shown('b', 'b (baseline)', b, `f-HNCA's baseline for layer ${U.layer}: the expected value of everything that reaches the layer through its children, R_l plus the decoder term above (log p_l(φ_l|φ_{l+1})); the engine's running average settles there.`),
              shown('term5', '5: no baseline', credit * U.furtherUp, `(ρ(1) − ρ(0))·R_l: the mediated term without a baseline.`),
              shown('term5b', '5: with baseline', credit * (U.furtherUp - b), `(ρ(1) − ρ(0))·(R_l − b_l): the mediated term with the baseline.`),
            ],
          },
          {
            heading: 'REINFORCE',
            numbers: [
              shown('F', `F_${U.layer}`, U.downstream, `Every term of f that ${name}'s layer can change except its own entropy (nats): REINFORCE multiplies all of it by (φ − p).`),
              shown('bF', 'b (baseline)', bR, `REINFORCE's baseline: the expected value of F_l.`),
              shown('phiMinusP', 'φ − p', U.phi - U.p, `The score of ${name}'s sample, times p(1−p).`),
            ],
          },
          estimatorGroup(t),
          varianceGroup(t),
        ],
        tables: [],
        lines: [6, 7],
      };
    }
    case 'gradients': {
      const infos = vaeParamInfos();
      const rows = infos
        .filter((p) => p.encoder)
        .map((p) => ({
          head: p.label,
          cells: [
            ...VAE_LESSON_ESTIMATORS.map((e) => shown(`grad/${e}/${p.index}`, EST_SHORT[e], t.estimates[e].grad[p.index], `${estimatorLabel(e)}'s one-sample gradient of f with respect to ${p.label}: g_u of the unit times its input (0 or 1).`)),
            shown(`exact/${p.index}`, 'exact', t.moments.fhnca.mean[p.index], `The exact gradient of E[f] with respect to ${p.label}: every estimator's one-sample gradient averaged over all 16 encoder samples.`),
          ],
        }));
      const dec = infos.filter((p) => !p.encoder);
      return {
        title: 'The gradients of this update',
        sentence: 'Each encoder weight gets its unit\'s g_u times the 0/1 value it reads, so weights from inputs that are 0 get nothing; the decoder and prior get exact per-sample gradients (target − probability). Average many updates and every estimator gives the same gradient; the lab shows which is less noisy.',
        formula: '\\begin{gathered} g_{W_{ji}} = g_{u_i}\\,\\phi_{l-1,j},\\quad g_{b_i} = g_{u_i} \\\\ \\text{decoder and prior: } g_{v} = \\phi_m - \\sigma(v) \\end{gathered}',
        instance: `\\begin{gathered} g_{u,\\,\\text{${name}}}:\\ ${VAE_LESSON_ESTIMATORS.map((e, r) => `\\text{${EST_SHORT[e]}} = ${texNumber(t.estimates[e].encGrad[U.layer][U.unit])}${r === 1 ? ' \\\\ ' : r < 3 ? ',\\ ' : ''}`).join('')} \\end{gathered}`,
        groups: [
          estimatorGroup(t),
          {
            heading: 'decoder and prior (exact, the same for every estimator)',
            numbers: dec.map((p) => shown(`grad/decoder/${p.index}`, p.label, t.estimates.fhnca.grad[p.index], `The exact per-sample gradient of f with respect to ${p.label}.`)),
          },
        ],
        tables: [{ caption: 'Encoder gradients: one sample of each estimator, and the exact gradient they all average to', columns: [...VAE_LESSON_ESTIMATORS.map((e) => EST_SHORT[e]), 'exact'], rows }],
        lines: [8],
      };
    }
  }
}

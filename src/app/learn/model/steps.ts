// The step-through of one update: the ordered list of steps for a network and what is
// revealed up to a given step (forward values, action, messages, credit, gradients).

export type Step =
  | { kind: 'start' }
  | { kind: 'forward'; layer: number; unit: number }
  | { kind: 'output' }
  | { kind: 'action' }
  | { kind: 'messages'; layer: number; unit: number }
  | { kind: 'credit'; layer: number; unit: number }
  | { kind: 'gradients'; k: number };

/** sizes = [inputs, hidden…, actions] */
export function buildSteps(sizes: readonly number[]): Step[] {
  const hidden = sizes.length - 2;
  const steps: Step[] = [{ kind: 'start' }];
  for (let l = 0; l < hidden; l++) for (let i = 0; i < sizes[l + 1]; i++) steps.push({ kind: 'forward', layer: l, unit: i });
  steps.push({ kind: 'output' }, { kind: 'action' });
  for (let l = hidden - 1; l >= 0; l--)
    for (let i = 0; i < sizes[l + 1]; i++) steps.push({ kind: 'messages', layer: l, unit: i }, { kind: 'credit', layer: l, unit: i });
  for (let k = hidden; k >= 0; k--) steps.push({ kind: 'gradients', k });
  return steps;
}

export interface Revealed {
  /** "l/i" of hidden units whose forward values are shown */
  forward: Set<string>;
  output: boolean;
  action: boolean;
  /** "l/i" of units whose messages / credit are shown */
  messages: Set<string>;
  credit: Set<string>;
  /** weight layers whose gradients are shown */
  gradients: Set<number>;
}

export const unitKey = (layer: number, unit: number): string => `${layer}/${unit}`;

export function revealedAt(steps: readonly Step[], index: number): Revealed {
  const r: Revealed = { forward: new Set(), output: false, action: false, messages: new Set(), credit: new Set(), gradients: new Set() };
  for (const step of steps.slice(0, index + 1)) {
    switch (step.kind) {
      case 'forward':
        r.forward.add(unitKey(step.layer, step.unit));
        break;
      case 'output':
        r.output = true;
        break;
      case 'action':
        r.action = true;
        break;
      case 'messages':
        r.messages.add(unitKey(step.layer, step.unit));
        break;
      case 'credit':
        r.credit.add(unitKey(step.layer, step.unit));
        break;
      case 'gradients':
        r.gradients.add(step.k);
        break;
      case 'start':
        break;
    }
  }
  return r;
}

/** The pseudo-code of one HNCA update (Algorithm 1), one entry per line. */
export const PSEUDO_CODE: readonly string[] = [
  'for each hidden layer l = 1 … L, unit i:',
  '    u_i ← b_i + Σ_j W[j,i] x_j ;  p_i ← clip(σ(u_i))',
  '    φ_i ~ Bernoulli(p_i) ;  pass on h_i = 2φ_i − 1 (or φ_i)',
  'z ← V h_L + c ;  π ← softmax(z) ;  a ~ π ;  r ← r(a)',
  'for each hidden unit i, each child c:',
  '    u_c′ ← u_c + W[i,c]·Δ_i   (Δ_i flips h_i)',
  '    Q(v) ← Π_c π_c(φ_c | h_i = v)   for v = 1, 0',
  '    ρ(v) ← Q(v) / (p_i Q(1) + (1 − p_i) Q(0))',
  '    HNCA:      S_i ← R p_i (1 − p_i)(ρ(1) − ρ(0))',
  '    REINFORCE: S_i ← R (φ_i − p_i)',
  'for each weight: g_W[j,i] ← S_i x_j ;  g_b[i] ← S_i',
];

/** Pseudo-code lines (indices into PSEUDO_CODE) a step executes. */
export function stepLines(step: Step): number[] {
  switch (step.kind) {
    case 'start':
      return [];
    case 'forward':
      return [0, 1, 2];
    case 'output':
    case 'action':
      return [3];
    case 'messages':
      return [4, 5, 6];
    case 'credit':
      return [7, 8, 9];
    case 'gradients':
      return [10];
  }
}

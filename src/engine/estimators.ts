// The gradient estimators as typed values: one registry for the models, both engines, the
// CLI, the worker and the app (docs/math.md §2, §3). It imports nothing, so every layer can use it.
//
// Adding an estimator = adding one value to ESTIMATOR_LIST (and, when its learning signal is
// new, that signal to BanditSignal / VaeSignal and its implementation in the model, where an
// exhaustive switch makes the compiler ask for it). The id strings are stable: they are in
// results JSON, URLs and the golden fixtures.

/** The experiments an estimator can serve: contextual bandit (docs/math.md §2) or VAE (§3). */
export type EstimatorTask = 'bandit' | 'vae';

/**
 * How a bandit estimator forms each hidden unit's learning signal from the reward (docs/math.md §2):
 * - `hnca`: the unit's credit from its children's counterfactual probabilities (HNCA);
 * - `score-function`: the reward times the score of the unit's own sample (REINFORCE).
 */
export type BanditSignal = 'hnca' | 'score-function';

/**
 * How a VAE estimator forms each encoder unit's learning signal S_i (docs/math.md §3):
 * - `fhnca`: f-HNCA terms 1–5 (counterfactual children, direct and mediated components);
 * - `score-function`: REINFORCE, (φ_i − p_i)/(p_i(1−p_i)) times the downstream components F_l;
 * - `leave-one-out`: REINFORCE with the leave-one-out baseline of two samples (Kool et al. 2019);
 * - `disarm`: DisARM's antithetic pair (Dong, Mnih, Tucker 2020).
 */
export type VaeSignal = 'fhnca' | 'score-function' | 'leave-one-out' | 'disarm';

/**
 * Samples an estimator draws besides the one forward pass of every example (docs/math.md §3):
 * - `none`;
 * - `second-sample`: per stochastic layer, a second independent sample of the layer from the
 *   same input, and a partial forward pass upward from it (REINFORCE leave-one-out);
 * - `antithetic`: per stochastic layer, the antithetic sample φ~ = [u < p] of the same uniforms,
 *   and a partial forward pass upward from it (DisARM).
 * Both kinds cost a partial forward pass per layer: quadratic in depth.
 */
export type ExtraSample = 'none' | 'second-sample' | 'antithetic';

/**
 * The switches of appendix K (docs/math.md §7.3) that f-HNCA + baseline can take; both keep it
 * unbiased (tests/vae-ablations.test.ts proves it by exact enumeration at depth 1–3):
 * - `all-children`: the components §3 counts "direct only" for unit i of layer l (term 2, the
 *   decoder term below, log p_{l-1}(φ_{l-1}|φ_l); term 4, the next encoder layer's entropy
 *   H(q_{l+1}(.|φ_l)), both in nats) are weighted like mediated ones, ρ1·X(1) − ρ0·X(0) instead of
 *   X(1) − X(0), and the layer's baseline b_l then also averages them;
 * - `full-reward`: layer l's mediated learning signal (and its baseline) also holds the
 *   components upstream of it, computed from φ_0..φ_{l-1} alone: the entropies H(q_1..q_l) and
 *   the decoder terms log p_m(φ_m|φ_{m+1}) for m ≤ l−2.
 */
export const VAE_ABLATIONS = ['all-children', 'full-reward'] as const;
export type VaeAblation = (typeof VAE_ABLATIONS)[number];

/**
 * One gradient estimator. `signal` names its learning signal for each task it serves; a task
 * absent from `signal` is not served (the bandit has no f-HNCA, the VAE no plain HNCA).
 * Variants of one signal (e.g. the appendix-K ablations of f-HNCA + baseline, docs/math.md §7.3)
 * are further values with the same signal and an options field that signal reads.
 */
export interface EstimatorValue {
  /** stable id, e.g. 'hnca-baseline' (results JSON, URLs, CLI flags) */
  readonly id: string;
  readonly signal: { readonly bandit?: BanditSignal; readonly vae?: VaeSignal };
  /**
   * true: the learning signal subtracts a moving-average baseline, b ← 0.99 b + 0.01 mean_batch(·)
   * after each update (one per run in the bandit, one per layer in the VAE)
   */
  readonly baseline: boolean;
  readonly extraSample: ExtraSample;
  /**
   * appendix-K switches of the VAE's f-HNCA signal (docs/math.md §7.3), in VAE_ABLATIONS order;
   * absent (= none) on every estimator of the paper's main experiments
   */
  readonly ablations?: readonly VaeAblation[];
  /** display name, e.g. 'HNCA + baseline' (charts, tables, legends) */
  readonly label: string;
  /** one sentence for help texts and tooltips */
  readonly description: string;
}

/** Every estimator, in display order (the per-task lists keep this order). */
const ESTIMATOR_LIST = [
  {
    id: 'hnca',
    signal: { bandit: 'hnca' },
    baseline: false,
    extraSample: 'none',
    label: 'HNCA',
    description: 'Hindsight Network Credit Assignment: each hidden unit is credited through its children’s counterfactual probabilities.',
  },
  {
    id: 'hnca-baseline',
    signal: { bandit: 'hnca' },
    baseline: true,
    extraSample: 'none',
    label: 'HNCA + baseline',
    description: 'HNCA with the reward minus a moving-average baseline.',
  },
  {
    id: 'fhnca',
    signal: { vae: 'fhnca' },
    baseline: false,
    extraSample: 'none',
    label: 'f-HNCA',
    description: 'HNCA for a sum of function components: each component counted only where the unit can influence it.',
  },
  {
    id: 'fhnca-baseline',
    signal: { vae: 'fhnca' },
    baseline: true,
    extraSample: 'none',
    label: 'f-HNCA + baseline',
    description: 'f-HNCA with a per-layer moving-average baseline of the mediated components.',
  },
  {
    id: 'fhnca-baseline-all-children',
    signal: { vae: 'fhnca' },
    baseline: true,
    extraSample: 'none',
    ablations: ['all-children'],
    label: 'f-HNCA + baseline (all children)',
    description: 'Ablation of f-HNCA + baseline (appendix K): the direct-only components weighted by the children’s ρ as well.',
  },
  {
    id: 'fhnca-baseline-full-reward',
    signal: { vae: 'fhnca' },
    baseline: true,
    extraSample: 'none',
    ablations: ['full-reward'],
    label: 'f-HNCA + baseline (full reward)',
    description: 'Ablation of f-HNCA + baseline (appendix K): each layer’s learning signal also holds the components upstream of it.',
  },
  {
    id: 'fhnca-baseline-all-children-full-reward',
    signal: { vae: 'fhnca' },
    baseline: true,
    extraSample: 'none',
    ablations: ['all-children', 'full-reward'],
    label: 'f-HNCA + baseline (all children, full reward)',
    description: 'Both ablations of f-HNCA + baseline (appendix K): all children and full reward together.',
  },
  {
    id: 'reinforce',
    signal: { bandit: 'score-function', vae: 'score-function' },
    baseline: false,
    extraSample: 'none',
    label: 'REINFORCE',
    description: 'The score-function estimator: the downstream reward times the score of each unit’s own sample.',
  },
  {
    id: 'reinforce-baseline',
    signal: { bandit: 'score-function', vae: 'score-function' },
    baseline: true,
    extraSample: 'none',
    label: 'REINFORCE + baseline',
    description: 'REINFORCE with the reward minus a moving-average baseline.',
  },
  {
    id: 'reinforce-loo',
    signal: { vae: 'leave-one-out' },
    baseline: false,
    extraSample: 'second-sample',
    label: 'REINFORCE LOO',
    description: 'REINFORCE with two samples per layer, each the other’s leave-one-out baseline.',
  },
  {
    id: 'disarm',
    signal: { vae: 'disarm' },
    baseline: false,
    extraSample: 'antithetic',
    label: 'DisARM',
    description: 'DisARM: an antithetic pair of samples per layer from the same uniforms.',
  },
] as const satisfies readonly EstimatorValue[];

type Listed = (typeof ESTIMATOR_LIST)[number];

/** Every estimator id. */
export type EstimatorId = Listed['id'];
/** The ids of the estimators that serve `T`. */
export type EstimatorIdFor<T extends EstimatorTask> = Extract<Listed, { readonly signal: { readonly [K in T]: string } }>['id'];
export type BanditEstimator = EstimatorIdFor<'bandit'>;
export type VaeEstimator = EstimatorIdFor<'vae'>;

/** Every estimator, in display order. */
export const ESTIMATORS: readonly EstimatorValue[] = ESTIMATOR_LIST;

function serves<T extends EstimatorTask>(task: T) {
  return (e: Listed): e is Extract<Listed, { readonly signal: { readonly [K in T]: string } }> => {
    const signal: EstimatorValue['signal'] = e.signal;
    return signal[task] !== undefined;
  };
}

/** Ids of the bandit's estimators, in display order: hnca, hnca-baseline, reinforce, reinforce-baseline. */
export const BANDIT_ESTIMATORS: readonly BanditEstimator[] = ESTIMATOR_LIST.filter(serves('bandit')).map((e) => e.id);
function ablationsOf(e: EstimatorValue): readonly VaeAblation[] {
  return e.ablations ?? [];
}

/**
 * Ids of the VAE's estimators of the paper's main experiment (Figure 3), in display order:
 * fhnca, fhnca-baseline, reinforce, reinforce-baseline, reinforce-loo, disarm. The appendix-K
 * ablations are left out (see VAE_ABLATED_ESTIMATORS): `all` and the default grids mean these six.
 */
export const VAE_ESTIMATORS: readonly VaeEstimator[] = ESTIMATOR_LIST.filter(serves('vae'))
  .filter((e) => ablationsOf(e).length === 0)
  .map((e) => e.id);

/** The estimator the appendix-K ablations modify (docs/math.md §7.3). */
export const ABLATION_BASE = 'fhnca-baseline' satisfies VaeEstimator;

/** Ids of the appendix-K ablations of f-HNCA + baseline (docs/math.md §7.3), in display order. */
export const VAE_ABLATED_ESTIMATORS: readonly VaeEstimator[] = ESTIMATOR_LIST.filter(serves('vae'))
  .filter((e) => ablationsOf(e).length > 0)
  .map((e) => e.id);

/** An estimator as one task sees it: its signal for that task resolved. */
export interface TaskEstimator<Id extends EstimatorId, Signal extends string> {
  readonly id: Id;
  readonly signal: Signal;
  readonly baseline: boolean;
  readonly extraSample: ExtraSample;
  /** appendix-K switches (docs/math.md §7.3), in VAE_ABLATIONS order; [] for every estimator but the ablations */
  readonly ablations: readonly VaeAblation[];
  readonly label: string;
  readonly description: string;
}
export type BanditEstimatorValue = TaskEstimator<BanditEstimator, BanditSignal>;
export type VaeEstimatorValue = TaskEstimator<VaeEstimator, VaeSignal>;

const BY_ID = new Map<string, Listed>(ESTIMATOR_LIST.map((e) => [e.id, e]));
const BANDIT_BY_ID = new Map<string, BanditEstimatorValue>(
  ESTIMATOR_LIST.filter(serves('bandit')).map((e) => [e.id, { ...e, signal: e.signal.bandit, ablations: ablationsOf(e) }]),
);
const VAE_BY_ID = new Map<string, VaeEstimatorValue>(
  ESTIMATOR_LIST.filter(serves('vae')).map((e) => [e.id, { ...e, signal: e.signal.vae, ablations: ablationsOf(e) }]),
);

/** The estimator with this id, or undefined for an unknown string (e.g. from an old results file). */
export function findEstimator(id: string): EstimatorValue | undefined {
  return BY_ID.get(id);
}

/** True when `id` names an estimator (of any task). */
export function isEstimatorId(id: string): id is EstimatorId {
  return BY_ID.has(id);
}

/** True when `id` names an estimator that serves `task`. */
export function isEstimatorFor<T extends EstimatorTask>(task: T, id: string): id is EstimatorIdFor<T> {
  return (task === 'bandit' ? BANDIT_BY_ID : VAE_BY_ID).has(id);
}

/**
 * The bandit's view of an estimator (docs/math.md §2).
 * @throws Error when the estimator does not serve the bandit (e.g. 'disarm').
 */
export function banditEstimator(id: EstimatorId): BanditEstimatorValue {
  const value = BANDIT_BY_ID.get(id);
  if (value === undefined) throw new Error(`estimator '${id}' does not serve the contextual bandit; accepted: ${BANDIT_ESTIMATORS.join(', ')}`);
  return value;
}

/**
 * The VAE's view of an estimator (docs/math.md §3).
 * @throws Error when the estimator does not serve the VAE (e.g. 'hnca').
 */
export function vaeEstimator(id: EstimatorId): VaeEstimatorValue {
  const value = VAE_BY_ID.get(id);
  if (value === undefined) throw new Error(`estimator '${id}' does not serve the VAE; accepted: ${VAE_ESTIMATORS.join(', ')}`);
  return value;
}

/**
 * The id of f-HNCA + baseline with exactly these appendix-K switches (docs/math.md §7.3), in any
 * order, duplicates ignored: [] → 'fhnca-baseline', ['full-reward'] → 'fhnca-baseline-full-reward'.
 */
export function ablatedEstimator(ablations: readonly VaeAblation[]): VaeEstimator {
  const wanted = VAE_ABLATIONS.filter((a) => ablations.includes(a));
  for (const e of VAE_BY_ID.values()) {
    if (e.signal === 'fhnca' && e.baseline && e.ablations.length === wanted.length && wanted.every((a) => e.ablations.includes(a))) return e.id;
  }
  // unreachable while ESTIMATOR_LIST holds every subset of VAE_ABLATIONS (tests/vae-ablations.test.ts)
  throw new Error(`no estimator for the ablations ${wanted.join(', ')}`);
}

/** Display name of an estimator id ('hnca-baseline' → 'HNCA + baseline'); an unknown id is returned as it is. */
export function estimatorLabel(id: string): string {
  return BY_ID.get(id)?.label ?? id;
}

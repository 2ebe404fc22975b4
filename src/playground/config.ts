// The playground's configuration: what the controls set, the URL carries and the training
// worker builds its engine from. Pure data, defaults and the mapping to the engine's config;
// shared by the React app (src/app) and the worker (src/worker), so neither imports the other
// for it. URL parsing lives in src/app/model/urlConfig.ts; labels in src/app/model/config.ts.
import { ESTIMATORS, isEstimatorFor } from '../engine/estimators.ts';
import { ENGINE_RANGES, narrowed, type Range } from '../engine/ranges.ts';
import {
  BANDIT_ESTIMATORS,
  varianceLayerCount,
  type BanditConfig,
  type BanditEstimator,
  type ConvBanditConfig,
  type EngineChoice,
  type EngineConfig,
  type HiddenValues,
  type Optimizer,
  type UnitKind,
  type VaeConfig,
  type VaeEstimator,
} from '../engine/types.ts';

/**
 * The playground's tasks: the contextual bandit on MNIST (docs/math.md §2) or on the tiny 4×4
 * patterns (src/worker/patternsDataset.ts), the discrete VAE on MNIST (docs/math.md §3), and the
 * nonlinear bandit of appendix E on MNIST (a convolutional trunk feeding one Bernoulli layer, §7.2).
 */
export const TASKS = ['mnist', 'patterns', 'vae', 'conv'] as const;
export type TaskName = (typeof TASKS)[number];

/** Whether a task is the discrete VAE (else a contextual bandit). */
export function isVaeTask(task: TaskName): task is 'vae' {
  return task === 'vae';
}

/** Whether a task is the nonlinear bandit of appendix E (docs/math.md §7.2: a conv trunk feeding one Bernoulli layer). */
export function isConvTask(task: TaskName): task is 'conv' {
  return task === 'conv';
}

/**
 * Every VAE estimator the playground offers, in the registry's display order: the paper's six
 * (VAE_ESTIMATORS) with the appendix-K ablations of f-HNCA + baseline (docs/math.md §7.3) after it.
 */
export const PLAYGROUND_VAE_ESTIMATORS: readonly VaeEstimator[] = ESTIMATORS.map((e) => e.id).filter((id): id is VaeEstimator => isEstimatorFor('vae', id));

/**
 * Names of the groups a classroom or presenter link may hide (URL `hide=`): each control, then
 * the page's other groups: the Model panel (save / load), the presets and sharing links, the
 * engine line in the header, the paper's reference lines and notes (with their "compare with the
 * paper" switch), the explanatory notes under the charts, the larger-type switch, the task's
 * introduction, the inside-the-network view, the evaluation panel and the export panel.
 */
export const CONTROL_NAMES = [
  'task',
  'hidden',
  'width',
  'batch',
  'lr',
  'optimizer',
  'values',
  'layers',
  'k',
  'units',
  'estimators',
  'seeds',
  'epochs',
  'test',
  'speed',
  'engine',
  'model',
  'presets',
  'engine-line',
  'paper',
  'notes',
  'large',
  'intro',
  'inside',
  'evaluation',
  'export',
] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];

/** Test images of the tiny patterns task (src/worker/patternsDataset.ts generates this many). */
export const PATTERNS_TEST_IMAGES = 400;

/** Test images a task has (MNIST: 10 000; patterns: PATTERNS_TEST_IMAGES): the most `testImages` can use. */
export function testSetSize(task: TaskName): number {
  return task === 'patterns' ? PATTERNS_TEST_IMAGES : 10_000;
}

/** Speed levels: the cap on updates per second (Infinity = as fast as the engine goes). */
export const SPEED_LEVELS: readonly number[] = [2, 10, 50, 250, Number.POSITIVE_INFINITY];

/** One playground configuration (a reset applies it; lr, batch and speed also apply mid-run). */
export interface PlaygroundConfig {
  task: TaskName;
  /** bandit: hidden layers of stochastic units (Bernoulli or categorical), 1..5 */
  hidden: number;
  /** units per hidden layer (bandit) or per stochastic layer (VAE) */
  width: number;
  /** examples per update */
  batch: number;
  lr: number;
  optimizer: Optimizer;
  /** bandit: values of the hidden units */
  hiddenValues: HiddenValues;
  /** bandit: kind of every hidden unit: Bernoulli, or categorical with `categories` values (docs/math.md §7.1) */
  units: UnitKind;
  /** N of categorical units (MIN_CATEGORIES..MAX_CATEGORIES); kept but unused with Bernoulli units */
  categories: number;
  /** bandit: the estimators trained side by side */
  estimators: BanditEstimator[];
  /** VAE: stochastic layers of Bernoulli units, 1..3 (the paper's depths) */
  layers: number;
  /** VAE: the estimators trained side by side (the paper's six and the appendix-K ablations) */
  vaeEstimators: VaeEstimator[];
  /** VAE: samples K of the importance-weighted test bound (docs/math.md §3) */
  testK: number;
  /** number of seeds, 1..5: the runs use seeds firstSeed .. firstSeed + seeds - 1 */
  seeds: number;
  firstSeed: number;
  epochs: number;
  /** test images used by the live test curve (bandit: accuracy; VAE: K-sample bound), the first N of the test set */
  testImages: number;
  /** index into SPEED_LEVELS */
  speed: number;
  engine: EngineChoice;
  /** controls and groups hidden by a classroom link */
  hide: ControlName[];
  /** show the paper's reference values and notes beside the live curves (URL `paper=1`; the research presets set it) */
  comparePaper: boolean;
  /** larger type, for a projector (URL `large=1`) */
  largeType: boolean;
}

/** The accepted values of a numeric field (inclusive bounds): the engine's Range (src/engine/ranges.ts). */
export type { Range };

/**
 * The accepted range of every numeric field (the controls and the URL parser both clamp to it):
 * the engine's ranges (src/engine/ranges.ts), narrowed where the browser keeps to less (hidden
 * layers, width, batch, the VAE's 3 layers of the paper, K), never wider.
 */
export const RANGES = {
  hidden: narrowed(ENGINE_RANGES.hidden, { max: 5 }),
  width: narrowed(ENGINE_RANGES.width, { max: 1024 }),
  batch: narrowed(ENGINE_RANGES.batch, { max: 1000 }),
  lr: narrowed(ENGINE_RANGES.lr, { min: 1e-6, max: 1 }),
  seeds: { min: 1, max: 5, integer: true },
  firstSeed: narrowed(ENGINE_RANGES.seed, { max: 2 ** 31 - 1 }),
  epochs: { min: 1, max: 1000, integer: true },
  testImages: { min: 10, max: 10000, integer: true },
  layers: narrowed(ENGINE_RANGES.layers, { max: 3 }),
  testK: narrowed(ENGINE_RANGES.testK, { max: 5000 }),
  speed: { min: 0, max: SPEED_LEVELS.length - 1, integer: true },
  categories: ENGINE_RANGES.categories,
} as const satisfies Record<string, Range>;

const COMMON = {
  optimizer: 'adam',
  hiddenValues: 'pm1',
  units: 'bernoulli',
  categories: 4,
  estimators: ['hnca', 'reinforce'] as BanditEstimator[],
  layers: 2,
  vaeEstimators: ['fhnca-baseline', 'reinforce'] as VaeEstimator[],
  testK: 10,
  seeds: 1,
  firstSeed: 1,
  speed: SPEED_LEVELS.length - 1,
  engine: 'auto',
  hide: [] as ControlName[],
  comparePaper: false,
  largeType: false,
} as const;

/**
 * Per-task defaults. MNIST: the paper's setting (docs/math.md §2), one seed. VAE: the paper's
 * width and batch (docs/math.md §3) at 2 layers, f-HNCA + baseline against REINFORCE, but Adam
 * lr 1e-3 (paper 1e-4) so that the curves separate within a minute on the CPU engine, and a
 * test bound of K = 10 samples on 200 test images so that one evaluation takes seconds.
 */
export function defaultConfig(task: TaskName): PlaygroundConfig {
  const lists = { estimators: [...COMMON.estimators], vaeEstimators: [...COMMON.vaeEstimators], hide: [] };
  if (task === 'patterns') {
    return { ...COMMON, ...lists, task, hidden: 1, width: 16, batch: 16, lr: 0.01, epochs: 20, testImages: PATTERNS_TEST_IMAGES };
  }
  if (task === 'vae') {
    return { ...COMMON, ...lists, task, hidden: 1, width: 200, batch: 50, lr: 1e-3, epochs: 100, testImages: 200 };
  }
  if (task === 'conv') {
    // the paper's trunk, width and Adam 1e-4 (docs/math.md §7.2, the CLI's default): an update takes
    // about half a second per run on the CPU, and HNCA pulls ahead of REINFORCE within 100 updates.
    // Not 1e-3: Adam's sign-like steps on the 9216-input linear layer then push HNCA's low-variance
    // signals coherently, the softmax output saturates within about 10 updates (every image gets
    // one action, the credit and every gradient vanish: chance accuracy, ln variance near −40)
    return { ...COMMON, ...lists, task, hidden: 1, width: 200, batch: 50, lr: 1e-4, epochs: 100, testImages: 1000 };
  }
  return { ...COMMON, ...lists, task, hidden: 1, width: 200, batch: 50, lr: 1e-4, epochs: 100, testImages: 2000 };
}

/** The seeds of a configuration's runs: firstSeed, firstSeed + 1, … (`seeds` of them). */
export function seedList(config: Pick<PlaygroundConfig, 'seeds' | 'firstSeed'>): number[] {
  return Array.from({ length: config.seeds }, (_, i) => config.firstSeed + i);
}

/** Keeps the canonical estimator order and drops duplicates. */
export function normalizeEstimators(list: readonly BanditEstimator[]): BanditEstimator[] {
  return BANDIT_ESTIMATORS.filter((e) => list.includes(e));
}

/** Keeps the registry's order of the VAE estimators and drops duplicates. */
export function normalizeVaeEstimators(list: readonly VaeEstimator[]): VaeEstimator[] {
  return PLAYGROUND_VAE_ESTIMATORS.filter((e) => list.includes(e));
}

/** The estimators a configuration trains: the bandit's or the VAE's list, by task. */
export function estimatorsOf(config: PlaygroundConfig): (BanditEstimator | VaeEstimator)[] {
  return isVaeTask(config.task) ? config.vaeEstimators : config.estimators;
}

/**
 * The engine configuration of a bandit playground configuration (Adam's betas and eps as in docs/math.md
 * §2; categorical units with their N, docs/math.md §7.1).
 */
export function banditConfigOf(config: PlaygroundConfig): BanditConfig {
  return {
    task: 'bandit',
    hidden: config.hidden,
    width: config.width,
    hiddenValues: config.hiddenValues,
    ...(config.units === 'categorical' ? { units: 'categorical', categories: config.categories } : {}),
    estimators: config.estimators,
    seeds: seedList(config),
    batch: config.batch,
    optimizer: config.optimizer,
    lr: config.lr,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
  };
}

/** The engine configuration of a VAE playground configuration (docs/math.md §3; Adam's betas and eps as in §2). */
export function vaeConfigOf(config: PlaygroundConfig): VaeConfig {
  return {
    task: 'vae',
    layers: config.layers,
    width: config.width,
    estimators: config.vaeEstimators,
    seeds: seedList(config),
    batch: config.batch,
    testK: config.testK,
    optimizer: config.optimizer,
    lr: config.lr,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
  };
}

/**
 * The playground's conv task measures the gradient-variance metric on every 10th update
 * (ConvBanditConfig.varianceEvery; the charts say so): the per-example trunk gradients the
 * metric needs cost several updates' worth on the CPU engine, and without them the first chart
 * point came 30 s after Play. The CLI measures every update.
 */
export const PLAYGROUND_CONV_VARIANCE_EVERY = 10;

/**
 * The engine configuration of the appendix-E task (docs/math.md §7.2): the paper's trunk, two 3×3
 * convolutions of 16 channels, feeding `width` Bernoulli units; Adam's betas and eps as in §2;
 * the variance metric on every PLAYGROUND_CONV_VARIANCE_EVERY-th update.
 */
export function convBanditConfigOf(config: PlaygroundConfig): ConvBanditConfig {
  return {
    task: 'conv-bandit',
    convLayers: 2,
    channels: 16,
    width: config.width,
    hiddenValues: config.hiddenValues,
    estimators: config.estimators,
    seeds: seedList(config),
    batch: config.batch,
    optimizer: config.optimizer,
    lr: config.lr,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    varianceEvery: PLAYGROUND_CONV_VARIANCE_EVERY,
  };
}

/** The engine configuration of any playground configuration: the VAE's for 'vae', the conv bandit's for 'conv', else the bandit's. */
export function engineConfigOf(config: PlaygroundConfig): EngineConfig {
  if (isVaeTask(config.task)) return vaeConfigOf(config);
  return isConvTask(config.task) ? convBanditConfigOf(config) : banditConfigOf(config);
}

/**
 * The layers with gradient-variance values in the metric points of a configuration: bandit,
 * the hidden layers then the output; VAE, the encoder layers q_1..q_L (docs/math.md §4); conv
 * bandit, the convolutions, the linear layer to the logits and the output (§7.2).
 */
export function varianceLayersOf(config: PlaygroundConfig): number {
  return varianceLayerCount(engineConfigOf(config));
}

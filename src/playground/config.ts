// The playground's configuration: what the controls set, the URL carries and the training
// worker builds its engine from. Pure data, defaults and the mapping to the engine's config;
// shared by the React app (src/app) and the worker (src/worker), so neither imports the other
// for it. URL parsing lives in src/app/model/urlConfig.ts; labels in src/app/model/config.ts.
import { BANDIT_ESTIMATORS, MAX_CATEGORIES, MIN_CATEGORIES, type BanditConfig, type BanditEstimator, type EngineChoice, type HiddenValues, type Optimizer, type UnitKind } from '../engine/types.ts';

/** The playground's datasets: MNIST (DESIGN.md §2) or the tiny 4×4 patterns (src/worker/patternsDataset.ts). */
export const TASKS = ['mnist', 'patterns'] as const;
export type TaskName = (typeof TASKS)[number];

/** Names of the controls a classroom link may hide (URL `hide=`). */
export const CONTROL_NAMES = [
  'task',
  'hidden',
  'width',
  'batch',
  'lr',
  'optimizer',
  'values',
  'units',
  'estimators',
  'seeds',
  'epochs',
  'test',
  'speed',
  'engine',
] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];

/** Speed levels: the cap on updates per second (Infinity = as fast as the engine goes). */
export const SPEED_LEVELS: readonly number[] = [2, 10, 50, 250, Number.POSITIVE_INFINITY];

/** One playground configuration (a reset applies it; lr, batch and speed also apply mid-run). */
export interface PlaygroundConfig {
  task: TaskName;
  /** hidden layers of stochastic units, 1..5 */
  hidden: number;
  /** units per hidden layer */
  width: number;
  /** examples per update */
  batch: number;
  lr: number;
  optimizer: Optimizer;
  hiddenValues: HiddenValues;
  /** kind of every hidden unit: Bernoulli, or categorical with `categories` values (DESIGN.md §7.1) */
  units: UnitKind;
  /** N of categorical units (MIN_CATEGORIES..MAX_CATEGORIES); kept but unused with Bernoulli units */
  categories: number;
  estimators: BanditEstimator[];
  /** number of seeds, 1..5: the runs use seeds firstSeed .. firstSeed + seeds - 1 */
  seeds: number;
  firstSeed: number;
  epochs: number;
  /** test images used by the live test-accuracy curve (the first N of the test set) */
  testImages: number;
  /** index into SPEED_LEVELS */
  speed: number;
  engine: EngineChoice;
  /** controls hidden by a classroom link */
  hide: ControlName[];
}

/** The accepted values of a numeric field (inclusive bounds). */
export interface Range {
  min: number;
  max: number;
  integer: boolean;
}

/** The accepted range of every numeric field (the controls and the URL parser both clamp to it). */
export const RANGES = {
  hidden: { min: 1, max: 5, integer: true },
  width: { min: 1, max: 1024, integer: true },
  batch: { min: 1, max: 1000, integer: true },
  lr: { min: 1e-6, max: 1, integer: false },
  seeds: { min: 1, max: 5, integer: true },
  firstSeed: { min: 0, max: 2 ** 31 - 1, integer: true },
  epochs: { min: 1, max: 1000, integer: true },
  testImages: { min: 10, max: 10000, integer: true },
  speed: { min: 0, max: SPEED_LEVELS.length - 1, integer: true },
  categories: { min: MIN_CATEGORIES, max: MAX_CATEGORIES, integer: true },
} as const satisfies Record<string, Range>;

const COMMON = {
  optimizer: 'adam',
  hiddenValues: 'pm1',
  units: 'bernoulli',
  categories: 4,
  estimators: ['hnca', 'reinforce'] as BanditEstimator[],
  seeds: 1,
  firstSeed: 1,
  speed: SPEED_LEVELS.length - 1,
  engine: 'auto',
  hide: [] as ControlName[],
} as const;

/** Per-task defaults. MNIST: the paper's setting (DESIGN.md §2), one seed. */
export function defaultConfig(task: TaskName): PlaygroundConfig {
  if (task === 'patterns') {
    return { ...COMMON, estimators: [...COMMON.estimators], hide: [], task, hidden: 1, width: 16, batch: 16, lr: 0.01, epochs: 20, testImages: 400 };
  }
  return { ...COMMON, estimators: [...COMMON.estimators], hide: [], task, hidden: 1, width: 200, batch: 50, lr: 1e-4, epochs: 100, testImages: 2000 };
}

/** The seeds of a configuration's runs: firstSeed, firstSeed + 1, … (`seeds` of them). */
export function seedList(config: Pick<PlaygroundConfig, 'seeds' | 'firstSeed'>): number[] {
  return Array.from({ length: config.seeds }, (_, i) => config.firstSeed + i);
}

/** Keeps the canonical estimator order and drops duplicates. */
export function normalizeEstimators(list: readonly BanditEstimator[]): BanditEstimator[] {
  return BANDIT_ESTIMATORS.filter((e) => list.includes(e));
}

/**
 * The engine configuration of a playground configuration (Adam's betas and eps as in DESIGN.md
 * §2; categorical units with their N, DESIGN.md §7.1).
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

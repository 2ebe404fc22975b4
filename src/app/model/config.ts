// The playground's configuration: what the controls set and the URL carries.
// Pure data and defaults; parsing lives in urlConfig.ts.
import { BANDIT_ESTIMATORS, type BanditEstimator, type HiddenValues, type Optimizer } from '../../engine/types.ts';

export const TASKS = ['mnist', 'patterns'] as const;
export type TaskName = (typeof TASKS)[number];

export const ENGINE_CHOICES = ['auto', 'webgpu', 'cpu'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** Names of the controls a classroom link may hide (URL `hide=`). */
export const CONTROL_NAMES = [
  'task',
  'hidden',
  'width',
  'batch',
  'lr',
  'optimizer',
  'values',
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

export interface PlaygroundConfig {
  task: TaskName;
  /** hidden layers of Bernoulli units, 1..5 */
  hidden: number;
  /** units per hidden layer */
  width: number;
  batch: number;
  lr: number;
  optimizer: Optimizer;
  hiddenValues: HiddenValues;
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

export interface Range {
  min: number;
  max: number;
  integer: boolean;
}

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
} as const satisfies Record<string, Range>;

const COMMON = {
  optimizer: 'adam',
  hiddenValues: 'pm1',
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

export function seedList(config: Pick<PlaygroundConfig, 'seeds' | 'firstSeed'>): number[] {
  return Array.from({ length: config.seeds }, (_, i) => config.firstSeed + i);
}

export const TASK_LABELS: Record<TaskName, string> = {
  mnist: 'MNIST contextual bandit',
  patterns: 'Tiny patterns (4×4, 4 classes)',
};

/** Keeps the canonical estimator order and drops duplicates. */
export function normalizeEstimators(list: readonly BanditEstimator[]): BanditEstimator[] {
  return BANDIT_ESTIMATORS.filter((e) => list.includes(e));
}

/** Display name of an estimator id ("hnca-baseline" → "HNCA + baseline"), from the estimator registry. */
export { estimatorLabel } from '../../engine/estimators.ts';

/** The bandit estimators among a list of run specs, in canonical order. */
export function banditEstimatorsOf(runs: readonly { estimator: string }[]): BanditEstimator[] {
  return BANDIT_ESTIMATORS.filter((e) => runs.some((r) => r.estimator === e));
}

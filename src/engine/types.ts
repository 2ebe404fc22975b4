// The engine interface: one contract, two back ends (CPU in src/backends/cpu, WebGPU in
// src/backends/webgpu). UI, CLI and tests are clients. Nothing here imports Node, React or the DOM.

import type { Dataset } from '../data/dataset.ts';
import type { BanditEstimator, EstimatorId, VaeEstimator } from './estimators.ts';

// The estimators live in their registry (./estimators.ts); re-exported for existing importers.
export { BANDIT_ESTIMATORS, VAE_ESTIMATORS, type BanditEstimator, type EstimatorId, type VaeEstimator } from './estimators.ts';

/**
 * The experiments an engine runs: contextual-bandit MNIST (docs/math.md §2), the discrete VAE (§3),
 * or the nonlinear contextual bandit of appendix E (§7.2: a convolutional trunk feeding one
 * Bernoulli layer).
 */
export const ENGINE_TASKS = ['bandit', 'vae', 'conv-bandit'] as const;
/** One of ENGINE_TASKS: the experiment a config trains. */
export type EngineTask = (typeof ENGINE_TASKS)[number];

/**
 * Which back end a front end asks for: the CPU engine, the WebGPU engine, or `auto` (WebGPU on
 * a hardware adapter, else the CPU). The CLI (`--engine`) and the playground (`engine=`) share it.
 */
export const ENGINE_CHOICES = ['cpu', 'webgpu', 'auto'] as const;
/** One of ENGINE_CHOICES: the back end a front end asks for. */
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** The optimizer of every parameter: Adam (the paper's, docs/math.md §2) or plain stochastic gradient ascent. */
export type Optimizer = 'adam' | 'sgd';
/** Values a hidden Bernoulli unit passes on: centered ±1 (default, docs/math.md §2) or 0/1. */
export type HiddenValues = 'pm1' | '01';

/**
 * The kind of every hidden unit of a bandit network: Bernoulli (docs/math.md §2, the default) or
 * categorical with N values passing on centered one-hot vectors e_φ − 1/N (§7.1, the paper's appendix D).
 */
export const UNIT_KINDS = ['bernoulli', 'categorical'] as const;
/** One of UNIT_KINDS. */
export type UnitKind = (typeof UNIT_KINDS)[number];
/** The fewest and most values N of a categorical unit (docs/math.md §7.1: N = 2..10). */
export const MIN_CATEGORIES = 2;
/** The most values N of a categorical unit (see MIN_CATEGORIES; src/engine/ranges.ts reads both). */
export const MAX_CATEGORIES = 10;

/**
 * The optimizer settings of a config: every parameter follows the ascent direction of its
 * gradient estimate (docs/math.md §2) with Adam (lr, beta1, beta2, eps; the paper: 1e-4, 0.9,
 * 0.999, 1e-8) or SGD (lr only; the betas and eps are then unused).
 */
export interface OptimizerConfig {
  optimizer: Optimizer;
  /** learning rate (Adam: paper 1e-4) */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** Contextual-bandit MNIST (docs/math.md §2). Runs = estimators × seeds, all on the same minibatches per seed. */
export interface BanditConfig extends OptimizerConfig {
  task: 'bandit';
  hidden: number;
  width: number;
  /** values of Bernoulli hidden units (ignored by categorical units, which pass on centered one-hot vectors e_φ − 1/N) */
  hiddenValues: HiddenValues;
  /** kind of every hidden unit; absent = 'bernoulli' (every config before docs/math.md §7.1) */
  units?: UnitKind;
  /** values N of each categorical unit, MIN_CATEGORIES..MAX_CATEGORIES; required with units 'categorical' */
  categories?: number;
  estimators: BanditEstimator[];
  seeds: number[];
  batch: number;
  /** number of actions = classes in the dataset (10 for MNIST) */
}

/**
 * The most stochastic layers a VAE may have: the VAE's random streams (src/models/vae/draws.ts)
 * give each partial pass 8 stream offsets, and its key tables hold this many layers.
 */
export const MAX_VAE_LAYERS = 5;

/** Discrete hierarchical VAE (docs/math.md §3). */
export interface VaeConfig extends OptimizerConfig {
  task: 'vae';
  /** stochastic layers, 1..MAX_VAE_LAYERS */
  layers: number;
  width: number;
  /**
   * the runs' estimators: the paper's six (VAE_ESTIMATORS) and the appendix-K ablations of
   * f-HNCA + baseline (VAE_ABLATED_ESTIMATORS, docs/math.md §7.3), which are ids of their own
   */
  estimators: VaeEstimator[];
  seeds: number[];
  batch: number;
  /** samples of the importance-weighted test bound */
  testK: number;
}

/** Convolution layers of the conv-bandit trunk: the paper's two, or one (tiny networks in the tests). */
export const CONV_LAYER_CHOICES = [1, 2] as const;

/**
 * The nonlinear contextual bandit of appendix E (docs/math.md §7.2): the binarized image → `convLayers`
 * 3×3 convolutions of `channels` channels (VALID, ReLU) → a linear layer to `width` logits → one
 * layer of `width` Bernoulli units → a linear layer to the actions → softmax. Only the Bernoulli
 * units are stochastic; the deterministic trunk (convolutions and the linear layer) is trained
 * by backpropagating each unit's learning signal S_i as the gradient of its logit. Runs =
 * estimators × seeds, all on the same minibatches and initial weights per seed.
 */
export interface ConvBanditConfig extends OptimizerConfig {
  task: 'conv-bandit';
  /** 3×3 convolutions of the trunk, 1 or 2 (paper: 2) */
  convLayers: (typeof CONV_LAYER_CHOICES)[number];
  /** channels of every convolution (paper: 16), 1..64 */
  channels: number;
  /** Bernoulli units (paper: 200) */
  width: number;
  /** values the Bernoulli units pass on to the output layer (paper: ±1) */
  hiddenValues: HiddenValues;
  estimators: BanditEstimator[];
  seeds: number[];
  batch: number;
  /**
   * CPU engine: the gradient-variance metric (docs/math.md §4) is measured on every
   * `varianceEvery`-th update only (updates 0, n, 2n, … of each run; their mean is the metric),
   * and the other updates take the trunk's batch-mean gradient without per-example gradients
   * (several times faster). Default 1: every update (the CLI, the paper's metric). The WebGPU
   * engine measures every update whatever this says (TrainingEngine.varianceEvery reports it).
   */
  varianceEvery?: number;
}

/** What an engine trains: one of the three tasks' configs, told apart by `task`. validate.ts checks it. */
export type EngineConfig = BanditConfig | VaeConfig | ConvBanditConfig;

/** Whether a config's runs are scored by reward (accuracy): the contextual bandits (docs/math.md §2, §7.2), not the VAE. */
export function isRewardConfig(config: EngineConfig): config is BanditConfig | ConvBanditConfig {
  return config.task === 'bandit' || config.task === 'conv-bandit';
}

/**
 * The layers with gradient-variance counters of a config (RunCounters.layerGradVarianceSum):
 * bandit, its hidden layers and the output; VAE, its encoder layers; conv bandit (docs/math.md
 * §7.2), its convolutions, the linear layer to the Bernoulli logits and the output.
 */
export function varianceLayerCount(config: EngineConfig): number {
  switch (config.task) {
    case 'bandit':
      return config.hidden + 1;
    case 'vae':
      return config.layers;
    case 'conv-bandit':
      return config.convLayers + 2;
  }
}

/** The paper's optimizer (docs/math.md §2, §3): Adam, lr 1e-4, beta1 0.9, beta2 0.999, eps 1e-8. */
export const PAPER_OPTIMIZER: OptimizerConfig = { optimizer: 'adam', lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/**
 * One run of an engine: an estimator trained from the initial weights of a seed. Runs of one seed
 * share minibatches and initial weights (docs/math.md §5); expandRuns gives their order.
 */
export interface RunSpec {
  /** index of the run in every per-run array */
  index: number;
  estimator: EstimatorId;
  seed: number;
}

/** Every run of one engine is expanded in this order: for each seed, for each estimator. */
export function expandRuns(config: EngineConfig): RunSpec[] {
  const runs: RunSpec[] = [];
  for (const seed of config.seeds) {
    for (const estimator of config.estimators) runs.push({ index: runs.length, estimator, seed });
  }
  return runs;
}

/** Which back end an engine is, in words for the header and the results JSON. */
export interface EngineInfo {
  backend: 'cpu' | 'webgpu';
  /** human description: "CPU engine (2 worker threads)" or the GPU adapter's name */
  description: string;
}

/**
 * Cumulative training counters of one run since creation (never reset, so a client can
 * difference two reads to get any window: an epoch, or the last second).
 */
export interface RunCounters {
  updates: number;
  examples: number;
  /** bandit: sum of rewards; vae: sum of single-sample ELBOs */
  scoreSum: number;
  /** sum over updates of the mean per-parameter gradient variance (docs/math.md §4) */
  gradVarianceSum: number;
  /** per layer: sum over updates of that layer's mean per-parameter variance */
  layerGradVarianceSum: number[];
  /**
   * updates whose gradient variance is in the sums above, when not every update's is
   * (ConvBanditConfig.varianceEvery > 1); absent: every update's (= `updates`)
   */
  varianceUpdates?: number;
  /** false once a non-finite value appeared; the run stops updating (others go on) */
  finite: boolean;
  /** what went non-finite, when finite is false */
  failure?: string;
}

/** Options of TrainingEngine.evaluate. */
export interface EvaluateOptions {
  /** bandit: return the action chosen for every test example */
  collectActions?: boolean;
  /** progress of a long evaluation: `done` of `total` units (e.g. test images × runs), 0 < done ≤ total */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /**
   * the evaluation's random-number key (the stochastic forward pass, the VAE's K samples and
   * binarization). Absent: the count of evaluations the engine has done. Training by epochs
   * passes epoch − 1, so that an epoch's test numbers depend only on (seed, epoch, what is
   * evaluated), never on how many processes the run took or which epochs were evaluated before.
   */
  key?: number;
}

/**
 * The random-number key of an evaluation: `options.key` when given, else `count` (the
 * evaluations done so far).
 * @throws EngineError ('config') when the key is not an integer ≥ 0
 */
export function evaluationKey(options: EvaluateOptions | undefined, count: number): number {
  const key = options?.key ?? count;
  if (!Number.isInteger(key) || key < 0) throw new EngineError(`evaluation key must be an integer ≥ 0 (got ${key})`, 'config');
  return key;
}

/** One run's evaluation on the test set (TrainingEngine.evaluate returns one per run, in runs order). */
export interface EvaluationResult {
  /** bandit: test accuracy (mean reward with a stochastic forward pass); vae: multi-sample bound */
  testScore: number;
  /** VAE: the K of the importance-weighted bound */
  k?: number;
  /** bandit: predicted action per test example (for confusion matrices) when requested */
  actions?: Uint8Array;
}

/** One example's internals, for inspection (playground and classroom). */
export interface ExampleTrace {
  /**
   * per hidden layer: firing probabilities [units]; categorical units (docs/math.md §7.1): the
   * probabilities pi_i(v) of every value, [units · N]
   */
  probabilities: Float32Array[];
  /** per hidden layer: sampled values (0/1) [units]; categorical units: the one-hot samples [units · N] (the next layer reads them centered, e_φ − 1/N) */
  samples: Uint8Array[];
  /** per hidden layer: HNCA credit rho(1) − rho(0) [units]; categorical units: the hindsight posterior pi_i(v) rho_i(v) per value [units · N] (docs/math.md §7.1) */
  credit: Float32Array[];
  /** output distribution over actions (bandit) */
  actionProbabilities: Float32Array;
}

/**
 * A copy of one weight matrix, unit-major: shape [rows, cols] = [units, inputs], the weight
 * from input j to unit u at `data[u * cols + j]` (row u is unit u's incoming weights).
 */
export interface WeightMatrix {
  /** units of the layer the matrix feeds */
  rows: number;
  /** inputs of that layer (units of the layer below, or pixels) */
  cols: number;
  /** rows × cols entries, `data[unit * cols + input]` */
  data: Float32Array;
}

/** One digit through a discrete VAE (docs/math.md §3): its code and the decoder's pixel probabilities. */
export interface VaeDigit {
  /** per stochastic layer l = 1..L (index l − 1): the sampled 0/1 code φ_l, [width] */
  code: Uint8Array[];
  /** P(x_d = 1 | φ_1) of every pixel d (decoder p_0), [pixels] */
  pixelProbabilities: Float32Array;
}

/** What the playground shows of one VAE run as it learns (src/models/vae/views.ts). */
export interface VaeViews {
  /** one per input image: φ ~ q(.|x), then p_0's pixel probabilities given φ_1 */
  reconstructions: VaeDigit[];
  /** digits sampled from the generative model: prior, decoder layers, then p_0's pixel probabilities */
  samples: VaeDigit[];
}

/** A VAE engine that computes the playground's views of a run in one call. */
export interface VaeViewEngine extends TrainingEngine {
  /**
   * Reconstructions of `images` (0/1 pixels each, [pixels]) and `samples` digits from the prior
   * of run `run`, drawn with `seed` (the same seed and weights give the same views).
   * @throws EngineError('config') for a run out of range or an image of the wrong size
   */
  viewVae(run: number, images: readonly Uint8Array[], samples: number, seed: number): Promise<VaeViews>;
}

/** Whether `engine` computes the VAE views itself (else a client reconstructs through inspect()). */
export function hasVaeViews(engine: TrainingEngine): engine is VaeViewEngine {
  return engine.config.task === 'vae' && typeof (engine as Partial<VaeViewEngine>).viewVae === 'function';
}

/**
 * The one engine contract: the CPU and the WebGPU back ends implement it; the CLI, the playground's
 * worker and the tests drive it. Every run advances together on a shared minibatch stream; metrics
 * come back as cumulative counters (readCounters), which a client differences into windows.
 * Methods throw EngineError: 'config' for bad arguments, 'device-lost' / 'unavailable' /
 * 'limits' from the WebGPU engine.
 */
export interface TrainingEngine {
  /** the back end, in words */
  readonly info: EngineInfo;
  /** the configuration it was created with (validated) */
  readonly config: EngineConfig;
  /** its runs: estimators × seeds in expandRuns order; every per-run array follows it */
  readonly runs: readonly RunSpec[];
  /** updates in one pass over the training set: floor(train examples / batch) */
  readonly updatesPerEpoch: number;
  /** total updates done (the same for every live run) */
  readonly updatesDone: number;
  /**
   * the gradient-variance metric is measured on every `varianceEvery`-th update (the CPU conv
   * engine's ConvBanditConfig.varianceEvery); absent: on every update
   */
  readonly varianceEvery?: number;
  /** advance every live run by n updates on the shared minibatch stream */
  step(n: number): Promise<void>;
  /**
   * evaluate every run on the test set (bandit: accuracy; vae: K-sample bound). An engine may
   * call `onProgress` as it goes (work done of total, in units it chooses) and then awaits
   * what it returns (a client may yield to its event loop there); engines that do not call it
   * are just as valid.
   */
  evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]>;
  /** the cumulative counters of every run */
  readCounters(): Promise<RunCounters[]>;
  /** change optimizer hyper-parameters (lr) or the batch size mid-run */
  setHyperparameters(change: { lr?: number; batch?: number }): void;
  /** one example's internals for run `run` (pixels: 0/1 values of one image) */
  inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace>;
  /**
   * A copy of weight matrix `layer` of run `run`, unit-major (see WeightMatrix). Bandit: layer 0
   * = first hidden layer, last = output. VAE: 0..L-1 the encoder q_1..q_L, L..2L-1 the decoder
   * p_0..p_{L-1}. Throws EngineError('config') for a layer or run out of range.
   */
  readWeights(run: number, layer: number): Promise<WeightMatrix>;
  /** frees the engine's workers, GPU buffers and device (an engine may not be used after it) */
  dispose(): void;
}

/** What every engine factory takes: the config and the data (MNIST, or a tiny data set in tests). */
export interface EngineFactoryInput {
  /** validated by the factory (validate.ts); EngineError('config') otherwise */
  config: EngineConfig;
  /** training and test images (0..255 grey values, binarized per minibatch) and labels */
  data: Dataset;
  /**
   * CPU engine: whether WebAssembly SIMD kernels may run (default: detected, src/simd);
   * false keeps every kernel in JavaScript (the reference path, bit-identical results).
   */
  simd?: boolean;
}

/** Errors an engine raises with a cause a user can act on. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly kind: 'unavailable' | 'limits' | 'device-lost' | 'config' | 'internal',
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

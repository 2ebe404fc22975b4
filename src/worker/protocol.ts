// The typed message protocol between the page and the training worker.
// Page → worker: WorkerRequest. Worker → page: WorkerMessage. Everything is structured-cloneable.
import type { EngineInfo, EngineTask, RunSpec, VaeDigit } from '../engine/types.ts';
import type { PlaygroundConfig } from '../playground/config.ts';
import type { SavedTraining } from './savedTraining.ts';

/** One run's metrics over one window of updates (the window ends at MetricPoint.update). */
export interface RunPoint {
  /** bandit: mean reward over the window's updates (online train accuracy); VAE: mean single-sample ELBO (nats per image) */
  train: number;
  /** when the test set was evaluated at this point (else null): bandit, test accuracy; VAE, the K-sample bound (nats per image) */
  test: number | null;
  /** natural log of the window's mean per-parameter gradient variance (docs/math.md §4); NaN when undefined (a batch of one example) */
  logVar: number;
  /** per layer (bandit: hidden layers, then the output; VAE: encoder layers q_1..q_L): natural log of the mean gradient variance */
  layerLogVar: number[];
}

export interface MetricPoint {
  /** cumulative updates at the end of the window */
  update: number;
  /** fractional epoch: training examples seen / training-set size */
  epoch: number;
  /** in engine.runs order; NaN entries once a run stopped */
  runs: RunPoint[];
  /** whether the test set was evaluated at this point (runs[i].test is set) */
  tested: boolean;
}

export interface RunFailure {
  run: number;
  failure: string;
  update: number;
  epoch: number;
}

export interface TrainingStatus {
  playing: boolean;
  /** updates done (every live run) */
  updates: number;
  epoch: number;
  epochs: number;
  /** training throughput over the last seconds (updates per second); NaN until it is known (before two chunks of this play have ended) */
  updatesPerSecond: number;
  /** seconds spent training (paused time excluded) */
  elapsedSeconds: number;
  /** NaN when unknown */
  etaSeconds: number;
  finished: boolean;
}

export interface EngineReady {
  type: 'engine';
  /** the engine's task: the contextual bandit (MNIST or patterns) or the discrete VAE */
  task: EngineTask;
  info: EngineInfo;
  /** why the CPU engine is used, when it is; null for WebGPU */
  fallbackReason: string | null;
  runs: RunSpec[];
  updatesPerEpoch: number;
  trainCount: number;
  testCount: number;
  classes: number;
  rows: number;
  cols: number;
  /** layers with gradient-variance values: bandit, hidden layers then the output; VAE, the encoder layers */
  layers: number;
  /** VAE: K of the test bound; bandit: null */
  testK: number | null;
  /** updates between two metric points (the charts' rows): the first point comes after this many */
  updatesPerPoint: number;
  /** updates between two test evaluations (test accuracy; the VAE's K-sample bound) */
  updatesPerEvaluation: number;
  /** the gradient-variance metric is measured on every `varianceEvery`-th update (TrainingEngine.varianceEvery; 1: every update) */
  varianceEvery: number;
}

/** Progress of a test evaluation in the training loop (the VAE's K-sample bound takes seconds). */
export interface EvaluationProgress {
  type: 'evaluating';
  /** work done of total (test images × runs); done = total when it finished */
  done: number;
  total: number;
}

/** One VAE run's views (runs of the first seed: one per estimator). */
export interface RunVaeViews {
  run: number;
  /** one per requested test digit: sampled code and the decoder's pixel probabilities */
  reconstructions: VaeDigit[];
  /** digits sampled from the prior; null when the engine does not compute them */
  samples: VaeDigit[] | null;
  /** the chosen digit: firing probabilities of each encoder layer's units, [width] per layer */
  probabilities: Float32Array[];
  /** the chosen digit: sampled values of each encoder layer, [width] per layer */
  code: Uint8Array[];
}

/** The answer to 'viewVae': what the VAE runs make of fixed test digits and of their prior, at one update. */
export interface VaeViewsResult {
  type: 'vaeViews';
  requestId: number;
  /** the update the views show (every live run's) */
  update: number;
  /** test-set indices of the reconstructed digits */
  testIndices: number[];
  /** their intensities 0..255, rows·cols bytes each, concatenated */
  images: Uint8Array;
  /** test index of the digit whose layers are shown */
  chosen: number;
  runs: RunVaeViews[];
  /** why the prior samples are missing, when they are */
  samplesNote: string | null;
}

export interface LoadingProgress {
  type: 'loading';
  what: string;
  loaded: number;
  /** 0 when unknown */
  total: number;
}

export interface MetricsSnapshot {
  type: 'snapshot';
  /** points recorded since the previous snapshot */
  points: MetricPoint[];
  status: TrainingStatus;
  /** failures that appeared since the previous snapshot */
  failures: RunFailure[];
}

export interface RunInspection {
  run: number;
  /**
   * N of categorical hidden units (docs/math.md §7.1), 0 for Bernoulli units. Per hidden layer:
   * probabilities, samples and credit [units] (Bernoulli: p, φ, ρ(1) − ρ(0)) or [units · N]
   * (categorical: π_i(v), the one-hot φ_i, the hindsight posterior π_i(v) ρ_i(v))
   */
  categories: number;
  probabilities: Float32Array[];
  credit: Float32Array[];
  samples: Uint8Array[];
  actionProbabilities: Float32Array;
}

export interface InspectionResult {
  type: 'inspection';
  requestId: number;
  /** intensities 0..255 (test digit) or 0/255 (drawn) of the inspected input, rows × cols */
  image: Uint8Array;
  /** the 0/1 input given to the network */
  input: Uint8Array;
  label: number | null;
  testIndex: number | null;
  /** the networks' update count when they were inspected (the view's stamp) */
  update: number;
  /** one per run of the first seed (each estimator) */
  runs: RunInspection[];
  /** first-layer weights of every unit (up to 256) of each inspected run, unit-major: units × inputs (the bandit: rows·cols pixels; the conv task: its first convolution's filters, 3·3) */
  firstLayerWeights: { run: number; units: number; cols: number; data: Float32Array }[];
}

export interface EvaluationDetails {
  type: 'evaluation';
  requestId: number;
  update: number;
  labels: Uint8Array;
  /** the first `shownImages` test images (rows·cols bytes each) for the digit grid */
  images: Uint8Array;
  shownImages: number;
  /** per run: accuracy and the action chosen for each evaluated test image */
  runs: { run: number; testScore: number; actions: Uint8Array }[];
}

/** The training data could not be loaded: nothing runs until the page asks again (a configure). */
export interface LoadFailed {
  type: 'loadFailed';
  /** what was being loaded ("MNIST") */
  what: string;
  /** one plain-words line naming the file and what went wrong */
  message: string;
}

export interface WorkerErrorMessage {
  type: 'error';
  message: string;
}

/** The answer to exportModel: the engine state and session progress, as JSON values. */
export interface SavedModel {
  type: 'model';
  requestId: number;
  saved: SavedTraining;
}

/** The answer to importModel: loaded (an 'engine' message came before it) or refused (nothing changed). */
export interface ModelImport {
  type: 'modelImport';
  requestId: number;
  /** null when loaded; else one line saying why the file was refused */
  error: string | null;
}

/** The WebGPU device was lost: training continues on the CPU engine (an 'engine' message follows). */
export interface EngineRecovered {
  type: 'recovered';
  /** one line for the header */
  notice: string;
  /** the update the CPU engine continues from; points after it are trained again (0: restarted) */
  fromUpdate: number;
}

/**
 * A request (inspect, evaluate, viewVae, exportModel, importModel) that could not be answered:
 * the configuration changed, the engine was replaced, the device was lost, or it failed.
 * Every request with a requestId gets its answer or this.
 */
export interface RequestFailed {
  type: 'requestFailed';
  requestId: number;
  /** one user-facing line saying why (no engine-internal text) */
  message: string;
}

export type WorkerMessage =
  | RequestFailed
  | EngineReady
  | LoadingProgress
  | MetricsSnapshot
  | InspectionResult
  | EvaluationDetails
  | WorkerErrorMessage
  | LoadFailed
  | SavedModel
  | ModelImport
  | EngineRecovered
  | EvaluationProgress
  | VaeViewsResult;

/**
 * What the worker posts: a WorkerMessage stamped with the generation of the last 'configure'
 * it had received when it posted it. The page drops messages of an older generation (a reset's
 * old engine, snapshots and answers still on their way).
 */
export type StampedMessage = WorkerMessage & { generation: number };

/**
 * Test-only actions, accepted only by a worker started with TEST_HOOKS_WORKER_NAME (page URL
 * ?test-hooks=1): lose the WebGPU device (`device.destroy()`), crash the worker, or rebuild the
 * current configuration with an engine whose state export is hidden (`statelessEngine`: it
 * then behaves as an engine that cannot export its state, isCheckpointable false, and its
 * header description says so), for the restart path after a lost device.
 */
export type TestHookAction = 'destroyDevice' | 'crash' | 'statelessEngine';

/** What a test-hooks worker reports to `self.hncaWorkerProbe()` (read by the browser soak through CDP). */
export interface WorkerProbe {
  /** the current engine's back end, null before the first engine */
  backend: 'cpu' | 'webgpu' | null;
  /** updates done by the current engine (0 before the first) */
  updatesDone: number;
  /** bytes of the GPU buffers the WebGPU runtime owns now (GpuResources.bytes); null on the CPU engine */
  gpuBufferBytes: number | null;
  /** bytes of the GPU buffers of every engine this worker built and has not released yet (old engines after a reset included); 0 without WebGPU */
  allGpuBufferBytes: number;
}

/** The name of the worker-global probe function of a test-hooks worker (see WorkerProbe). */
export const WORKER_PROBE_GLOBAL = 'hncaWorkerProbe';

/** The worker name that enables the test hooks. */
export const TEST_HOOKS_WORKER_NAME = 'hnca-training test-hooks';

export type WorkerRequest =
  /** (re)build the engine for a configuration: a reset (same seed or a new one) is a configure */
  | {
      type: 'configure';
      config: PlaygroundConfig;
      /** absolute URL of the site's folder (the page's base), against which the data files are fetched: the site works from any sub-path */
      assetBase: string;
      /** the page's count of configure requests: the worker stamps what it posts with it (see StampedMessage) */
      generation: number;
    }
  | { type: 'play' }
  | { type: 'pause' }
  /** train exactly `updates` updates, then pause */
  | { type: 'step'; updates: number }
  | { type: 'hyperparameters'; lr?: number; batch?: number }
  | { type: 'speed'; updatesPerSecond: number }
  /** a new epoch budget for the current runs, without a reset (answered with a snapshot) */
  | { type: 'epochs'; epochs: number }
  | { type: 'inspect'; requestId: number; testIndex: number }
  | { type: 'inspectDrawn'; requestId: number; pixels: Uint8Array }
  | { type: 'evaluate'; requestId: number }
  /** VAE: reconstructions of test digits `testIndices`, `samples` prior samples, and the layers for test digit `chosen` */
  | { type: 'viewVae'; requestId: number; testIndices: number[]; samples: number; chosen: number }
  /** the engine state and progress for a model file */
  | { type: 'exportModel'; requestId: number }
  /** continue from a model file's training state with its configuration (nothing changes if it does not fit) */
  | { type: 'importModel'; requestId: number; config: PlaygroundConfig; saved: unknown; source: string }
  /** tests only (see TEST_HOOKS_WORKER_NAME) */
  | { type: 'testHook'; action: TestHookAction };

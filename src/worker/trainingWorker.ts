// The training worker: loads data, builds the engine (WebGPU or CPU), runs the training
// session and posts metric snapshots a few times a second. Entry point of a module worker.
/// <reference lib="webworker" />
import { limitSet, type Dataset } from '../data/dataset.ts';
import { MNIST_ASSET_PATH, loadMnistAsset } from '../data/mnistAsset.ts';
import { createCpuEngine } from '../engine/cpu/index.ts';
import { engineStateToJson, isCheckpointable } from '../engine/state.ts';
import { hasVaeViews, type TrainingEngine } from '../engine/types.ts';
import { SPEED_LEVELS, engineConfigOf, isVaeTask, varianceLayersOf, type PlaygroundConfig } from '../playground/config.ts';
import { selectEngine } from './engineSelection.ts';
import { createPatternsDataset } from './patternsDataset.ts';
import {
  TEST_HOOKS_WORKER_NAME,
  WORKER_PROBE_GLOBAL,
  type EvaluationDetails,
  type InspectionResult,
  type RunVaeViews,
  type TestHookAction,
  type VaeViewsResult,
  type WorkerMessage,
  type WorkerProbe,
  type WorkerRequest,
} from './protocol.ts';
import { decodeSavedTraining, type SessionCheckpoint, type SessionProgress } from './savedTraining.ts';
import { TrainingSession } from './trainingSession.ts';

declare const self: DedicatedWorkerGlobalScope;

const SNAPSHOT_MS = 300;
const SHOWN_TEST_IMAGES = 60;
const INSPECT_SEED = 12345;
const WEIGHT_UNITS = 8;
/** VAE: metric points per epoch and points between test evaluations (the CPU engine does ~10 updates/s: a point every few seconds, the bound every 300 updates) */
const VAE_POINTS_PER_EPOCH = 60;
const VAE_EVALUATE_EVERY_POINTS = 15;
/** VAE views: the most digits reconstructed and sampled per run in one request */
const MAX_VAE_VIEW_DIGITS = 16;

/** Lets the event loop run (messages such as pause get through during a long evaluation). */
const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

let mnist: Promise<Dataset> | null = null;
/** the site's folder (from the page's configure request): data files are fetched relative to it */
let assetBase: string | null = null;
let session: TrainingSession | null = null;
let dataset: Dataset | null = null;
/** the configuration of the current session */
let sessionConfig: PlaygroundConfig | null = null;
/** incremented by every (re)build: a build that finds it changed gives way */
let configuration = 0;
const testHooks = self.name === TEST_HOOKS_WORKER_NAME;
/** test hook 'statelessEngine': engines built from now on hide their state export */
let hideEngineState = false;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function post(message: WorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function loadDataset(config: PlaygroundConfig): Promise<Dataset> {
  if (config.task === 'patterns') return Promise.resolve(createPatternsDataset());
  if (!mnist) {
    // relative to the page's folder, not the server's root: the built site works from any sub-path
    const url = new URL(MNIST_ASSET_PATH, assetBase ?? new URL(import.meta.env.BASE_URL, self.location.origin).href).href;
    mnist = loadMnistAsset(url, (loaded, total) => post({ type: 'loading', what: 'MNIST', loaded, total }));
    mnist.catch(() => {
      mnist = null;
    });
  }
  return mnist;
}

/** The dataset of a configuration (its test set limited to config.testImages). */
async function datasetOf(config: PlaygroundConfig): Promise<Dataset> {
  const full = await loadDataset(config);
  return { ...full, test: limitSet(full.test, full.pixels, config.testImages) };
}

/** The WebGPU device of an engine that has one (the WebGPU engine), else null. */
function deviceOf(engine: TrainingEngine): GPUDevice | null {
  const device = (engine as { device?: unknown }).device;
  return typeof GPUDevice !== 'undefined' && device instanceof GPUDevice ? device : null;
}

/**
 * Makes a session of `engine` the current one (the previous one must be disposed), tells the
 * page (an 'engine' message, then the answer to an import, then a snapshot) and watches a
 * WebGPU engine's device for loss.
 */
function install(config: PlaygroundConfig, data: Dataset, engine: TrainingEngine, fallbackReason: string | null, from: SessionProgress | null, imported: number | null): TrainingSession {
  dataset = data;
  sessionConfig = config;
  const vae = isVaeTask(config.task);
  const created = new TrainingSession(engine, {
    trainCount: data.train.count,
    epochs: config.epochs,
    ...(from ? { from } : {}),
    ...(vae ? { recordEvery: Math.max(1, Math.round(engine.updatesPerEpoch / VAE_POINTS_PER_EPOCH)), evaluateEveryPoints: VAE_EVALUATE_EVERY_POINTS } : {}),
    onEvaluationProgress: async (done, total) => {
      post({ type: 'evaluating', done, total });
      await yieldToEvents();
    },
  });
  created.setSpeed(SPEED_LEVELS[config.speed] ?? Number.POSITIVE_INFINITY);
  created.onIdle = () => post(created.takeSnapshot());
  created.onError = (message) => post({ type: 'error', message: `training stopped: ${message}` });
  created.onDeviceLost = (message) => void recoverOnCpu(created, message, true);
  session = created;
  // the loss may reach a step first as another error (a failed readback): training was on then too
  deviceOf(engine)?.lost.then((info) => recoverOnCpu(created, `${info.reason}: ${info.message || 'no message'}`, created.status().playing || created.stoppedByError));
  post({
    type: 'engine',
    task: engine.config.task,
    info: engine.info,
    fallbackReason,
    runs: [...engine.runs],
    updatesPerEpoch: engine.updatesPerEpoch,
    trainCount: data.train.count,
    testCount: data.test.count,
    classes: data.classes,
    rows: data.rows,
    cols: data.cols,
    layers: varianceLayersOf(config),
    testK: engine.config.task === 'vae' ? engine.config.testK : null,
    updatesPerPoint: created.updatesPerPoint,
    updatesPerEvaluation: created.updatesPerEvaluation,
  });
  if (imported !== null) post({ type: 'modelImport', requestId: imported, error: null });
  post(created.takeSnapshot());
  return created;
}

async function configure(config: PlaygroundConfig): Promise<void> {
  const id = ++configuration;
  session?.dispose();
  session = null;
  let data: Dataset;
  try {
    data = await datasetOf(config);
  } catch (error) {
    // the page shows this line with a retry (a configure again), instead of the loading progress
    if (id === configuration) post({ type: 'loadFailed', what: config.task === 'patterns' ? 'the patterns' : 'MNIST', message: messageOf(error) });
    return;
  }
  if (id !== configuration) return;
  const selected = await selectEngine({ config: engineConfigOf(config), data }, config.engine);
  const engine = hideEngineState ? withoutStateExport(selected.engine) : selected.engine;
  if (id !== configuration) {
    engine.dispose();
    return;
  }
  install(config, data, engine, selected.fallbackReason, null, null);
}

/**
 * The WebGPU device of `lost` was lost: continue on the CPU engine from its last in-memory
 * checkpoint, or, without one (an engine that cannot export its state), restart the runs with
 * the same configuration; the page is told which in one line. Once per session.
 */
async function recoverOnCpu(lost: TrainingSession, cause: string, resume: boolean): Promise<void> {
  const config = sessionConfig;
  const data = dataset;
  if (lost !== session || lost.isDisposed || !config || !data) return;
  const lostAt = lost.engine.updatesDone;
  const checkpoint: SessionCheckpoint | null = lost.lastCheckpoint;
  lost.dispose();
  session = null;
  const id = ++configuration;
  const input = { config: engineConfigOf(config), data };
  let engine = createCpuEngine(input);
  let from: SessionProgress | null = null;
  let restoreError = '';
  if (checkpoint) {
    try {
      if (!isCheckpointable(engine)) throw new Error('the CPU engine cannot import a state');
      await engine.importState(checkpoint.state, 'the last saved state');
      from = checkpoint.progress;
    } catch (error) {
      engine.dispose();
      engine = createCpuEngine(input);
      restoreError = ` (${messageOf(error)})`;
    }
  }
  if (id !== configuration) {
    engine.dispose();
    return;
  }
  const fromUpdate = from ? engine.updatesDone : 0;
  const notice = from
    ? `WebGPU device lost at update ${lostAt}; continuing on the CPU engine from update ${fromUpdate} (the last saved state)`
    : `WebGPU device lost at update ${lostAt}; no saved state could be restored${restoreError}, so the runs restarted on the CPU engine with the same configuration (the progress was lost)`;
  post({ type: 'recovered', notice, fromUpdate });
  const restarted = install(config, data, engine, `the WebGPU device was lost (${cause})`, from, null);
  if (resume) restarted.play();
}

/** Sends the current session's engine state and progress (for a model file). */
async function exportModel(requestId: number): Promise<void> {
  const current = session;
  if (!current) throw new Error('Save model: no engine is running yet');
  if (!current.checkpointable) throw new Error(`Save model: the ${current.engine.info.description} cannot export its state`);
  const { checkpoint, snapshot } = await current.checkpoint();
  post(snapshot); // the points up to the saved state reach the page before the state does
  post({ type: 'model', requestId, saved: { engine: engineStateToJson(checkpoint.state), progress: checkpoint.progress } });
}

/**
 * Continues from a model file's training state with its configuration. Everything is built
 * and checked aside; the current session is replaced only when the state fits, so a refused
 * file changes nothing.
 */
async function importModel(requestId: number, config: PlaygroundConfig, saved: unknown, source: string): Promise<void> {
  const refuse = (message: string): void => post({ type: 'modelImport', requestId, error: message });
  let checkpoint: SessionCheckpoint;
  try {
    checkpoint = decodeSavedTraining(saved, source);
  } catch (error) {
    refuse(messageOf(error));
    return;
  }
  const id = ++configuration;
  const data = await datasetOf(config);
  const { engine, fallbackReason } = await selectEngine({ config: engineConfigOf(config), data }, config.engine);
  try {
    if (!isCheckpointable(engine)) throw new Error(`the ${engine.info.description} cannot import a saved state`);
    await engine.importState(checkpoint.state, source);
  } catch (error) {
    engine.dispose();
    if (id === configuration) refuse(messageOf(error));
    return;
  }
  if (id !== configuration) {
    engine.dispose();
    return;
  }
  session?.dispose();
  install(config, data, engine, fallbackReason, checkpoint.progress, requestId);
}

/**
 * `engine` seen as an engine that cannot export or import its state (test hook
 * 'statelessEngine'): exportState and importState read as absent, so isCheckpointable is
 * false; everything else (its device included) is the engine's own, and its description
 * says that the export is hidden.
 */
function withoutStateExport(engine: TrainingEngine): TrainingEngine {
  const info = { ...engine.info, description: `${engine.info.description} (state export hidden by a test hook)` };
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'exportState' || property === 'importState') return undefined;
      if (property === 'info') return info;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Test-only actions (see TestHookAction and TEST_HOOKS_WORKER_NAME). */
async function testHook(action: TestHookAction): Promise<void> {
  if (!testHooks) throw new Error('test hooks are off (add ?test-hooks=1 to the page URL)');
  if (action === 'crash') {
    setTimeout(() => {
      throw new Error('test hook: the training worker crashed');
    });
    return;
  }
  if (action === 'statelessEngine') {
    if (!sessionConfig) throw new Error('test hook: no configuration to rebuild yet');
    hideEngineState = true;
    return configure(sessionConfig);
  }
  const device = session ? deviceOf(session.engine) : null;
  if (!device) throw new Error('test hook: the current engine has no WebGPU device');
  device.destroy();
}

function inspectedRuns(engine: TrainingEngine): number[] {
  const firstSeed = engine.runs[0]?.seed;
  return engine.runs.filter((r) => r.seed === firstSeed).map((r) => r.index);
}

async function inspect(requestId: number, image: Uint8Array, input: Uint8Array, label: number | null, testIndex: number | null): Promise<void> {
  const current = session;
  if (!current) return;
  const result = await current.whenIdleChunk(async (): Promise<InspectionResult> => {
    const engine = current.engine;
    const runs = [];
    const firstLayerWeights = [];
    for (const run of inspectedRuns(engine)) {
      const trace = await engine.inspect(run, input, INSPECT_SEED);
      const categories = engine.config.task === 'bandit' && engine.config.units === 'categorical' ? (engine.config.categories ?? 0) : 0;
      runs.push({ run, categories, probabilities: trace.probabilities, credit: trace.credit, samples: trace.samples, actionProbabilities: trace.actionProbabilities });
      const weights = await engine.readWeights(run, 0); // unit-major: row u = unit u's weights over the pixels
      const units = Math.min(WEIGHT_UNITS, weights.rows);
      firstLayerWeights.push({ run, units, cols: weights.cols, data: weights.data.slice(0, units * weights.cols) });
    }
    return { type: 'inspection', requestId, image, input, label, testIndex, update: engine.updatesDone, runs, firstLayerWeights };
  });
  post(result);
}

function inspectTest(requestId: number, testIndex: number): Promise<void> {
  if (!dataset) return Promise.resolve();
  const { pixels, test } = dataset;
  const index = Math.max(0, Math.min(test.count - 1, Math.floor(testIndex)));
  const image = test.images.slice(index * pixels, (index + 1) * pixels);
  const input = image.map((v) => (v >= 128 ? 1 : 0));
  return inspect(requestId, image, input, test.labels[index], index);
}

/** The 0/1 input of test image `index` (pixel on when its intensity is at least 128) and its intensities. */
function testImage(data: Dataset, index: number): { image: Uint8Array; input: Uint8Array } {
  const { pixels, test } = data;
  const image = test.images.slice(index * pixels, (index + 1) * pixels);
  return { image, input: image.map((v) => (v >= 128 ? 1 : 0)) };
}

/**
 * The VAE views of the runs of the first seed: reconstructions of the test digits
 * `testIndices`, `samples` digits from the prior (engines with viewVae; the others say so),
 * and each encoder layer of test digit `chosen`, stamped with the update they show.
 */
async function viewVae(requestId: number, testIndices: number[], samples: number, chosen: number): Promise<void> {
  const current = session;
  const data = dataset;
  if (!current || !data || current.engine.config.task !== 'vae') return;
  const clamp = (i: number): number => Math.max(0, Math.min(data.test.count - 1, Math.floor(i) || 0));
  const indices = testIndices.slice(0, MAX_VAE_VIEW_DIGITS).map(clamp);
  const count = Math.max(0, Math.min(MAX_VAE_VIEW_DIGITS, Math.floor(samples) || 0));
  const digits = indices.map((i) => testImage(data, i));
  const chosenDigit = testImage(data, clamp(chosen));
  const result = await current.whenIdleChunk(async (): Promise<VaeViewsResult> => {
    const engine = current.engine;
    const runs: RunVaeViews[] = [];
    for (const run of inspectedRuns(engine)) {
      const layers = await engine.inspect(run, chosenDigit.input, INSPECT_SEED);
      let reconstructions: RunVaeViews['reconstructions'];
      let sampled: RunVaeViews['samples'] = null;
      if (hasVaeViews(engine)) {
        const views = await engine.viewVae(run, digits.map((d) => d.input), count, INSPECT_SEED);
        reconstructions = views.reconstructions;
        sampled = views.samples;
      } else {
        // every engine inspects: its trace holds the code (samples) and p_0's pixel probabilities (actionProbabilities)
        reconstructions = [];
        for (const d of digits) {
          const trace = await engine.inspect(run, d.input, INSPECT_SEED);
          reconstructions.push({ code: trace.samples, pixelProbabilities: trace.actionProbabilities });
        }
      }
      runs.push({ run, reconstructions, samples: sampled, probabilities: layers.probabilities, code: layers.samples });
    }
    const images = new Uint8Array(digits.length * data.pixels);
    digits.forEach((d, k) => images.set(d.image, k * data.pixels));
    return {
      type: 'vaeViews',
      requestId,
      update: engine.updatesDone,
      testIndices: indices,
      images,
      chosen: clamp(chosen),
      runs,
      samplesNote: hasVaeViews(engine) ? null : `the ${engine.info.description} does not sample from the prior`,
    };
  });
  post(result);
}

async function evaluateDetails(requestId: number): Promise<void> {
  const current = session;
  const data = dataset;
  if (!current || !data) return;
  const details = await current.whenIdleChunk(async (): Promise<EvaluationDetails> => {
    const results = await current.engine.evaluate({ collectActions: true });
    const shown = Math.min(SHOWN_TEST_IMAGES, data.test.count);
    return {
      type: 'evaluation',
      requestId,
      update: current.engine.updatesDone,
      labels: data.test.labels.slice(),
      images: data.test.images.slice(0, shown * data.pixels),
      shownImages: shown,
      runs: results.map((r, run) => ({ run, testScore: r.testScore, actions: r.actions ?? new Uint8Array(0) })),
    };
  });
  post(details);
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'configure':
      assetBase = request.assetBase;
      return configure(request.config);
    case 'play':
      session?.play();
      return;
    case 'pause':
      session?.pause();
      if (session) post(session.takeSnapshot());
      return;
    case 'step':
      session?.stepUpdates(request.updates);
      return;
    case 'hyperparameters':
      session?.setHyperparameters(request);
      return;
    case 'speed':
      session?.setSpeed(request.updatesPerSecond);
      return;
    case 'epochs':
      if (!session) return;
      session.setEpochs(request.epochs);
      if (sessionConfig) sessionConfig = { ...sessionConfig, epochs: request.epochs };
      post(session.takeSnapshot());
      return;
    case 'inspect':
      return inspectTest(request.requestId, request.testIndex);
    case 'inspectDrawn':
      return inspect(request.requestId, request.pixels.map((v) => (v > 0 ? 255 : 0)), request.pixels, null, null);
    case 'evaluate':
      return evaluateDetails(request.requestId);
    case 'viewVae':
      return viewVae(request.requestId, request.testIndices, request.samples, request.chosen);
    case 'exportModel':
      return exportModel(request.requestId);
    case 'importModel':
      return importModel(request.requestId, request.config, request.saved, request.source);
    case 'testHook':
      return testHook(request.action);
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error: unknown) => {
    post({ type: 'error', message: messageOf(error) });
  });
};

// the browser soak (bench/browser/soak.ts) reads this through CDP (Runtime.evaluate in the worker)
if (testHooks) {
  const probe = (): WorkerProbe => {
    const engine = session?.engine;
    const bytes: unknown = engine ? (engine as { gpuBufferBytes?: unknown }).gpuBufferBytes : undefined;
    return { backend: engine?.info.backend ?? null, updatesDone: engine?.updatesDone ?? 0, gpuBufferBytes: typeof bytes === 'number' ? bytes : null };
  };
  Object.assign(self, { [WORKER_PROBE_GLOBAL]: probe });
}

setInterval(() => {
  if (session) post(session.takeSnapshot());
}, SNAPSHOT_MS);

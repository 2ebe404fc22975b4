// The training worker: loads data, builds the engine (WebGPU or CPU), runs the training
// session and posts metric snapshots a few times a second. Entry point of a module worker.
/// <reference lib="webworker" />
import { limitSet, type Dataset } from '../data/dataset.ts';
import { MNIST_ASSET_PATH, loadMnistAsset } from '../data/mnistAsset.ts';
import { createCpuEngine } from '../engine/cpu/index.ts';
import { engineStateToJson, isCheckpointable } from '../engine/state.ts';
import type { TrainingEngine } from '../engine/types.ts';
import { SPEED_LEVELS, banditConfigOf, type PlaygroundConfig } from '../playground/config.ts';
import { selectEngine } from './engineSelection.ts';
import { createPatternsDataset } from './patternsDataset.ts';
import { TEST_HOOKS_WORKER_NAME, type EvaluationDetails, type InspectionResult, type TestHookAction, type WorkerMessage, type WorkerRequest } from './protocol.ts';
import { decodeSavedTraining, type SessionCheckpoint, type SessionProgress } from './savedTraining.ts';
import { TrainingSession } from './trainingSession.ts';

declare const self: DedicatedWorkerGlobalScope;

const SNAPSHOT_MS = 300;
const SHOWN_TEST_IMAGES = 60;
const INSPECT_SEED = 12345;
const WEIGHT_UNITS = 8;

let mnist: Promise<Dataset> | null = null;
let session: TrainingSession | null = null;
let dataset: Dataset | null = null;
/** the configuration of the current session */
let sessionConfig: PlaygroundConfig | null = null;
/** incremented by every (re)build: a build that finds it changed gives way */
let configuration = 0;
const testHooks = self.name === TEST_HOOKS_WORKER_NAME;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function post(message: WorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function loadDataset(config: PlaygroundConfig): Promise<Dataset> {
  if (config.task === 'patterns') return Promise.resolve(createPatternsDataset());
  if (!mnist) {
    const url = new URL(`${import.meta.env.BASE_URL}${MNIST_ASSET_PATH}`, self.location.origin).href;
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
  const created = new TrainingSession(engine, { trainCount: data.train.count, epochs: config.epochs, ...(from ? { from } : {}) });
  created.setSpeed(SPEED_LEVELS[config.speed] ?? Number.POSITIVE_INFINITY);
  created.onIdle = () => post(created.takeSnapshot());
  created.onError = (message) => post({ type: 'error', message: `training stopped: ${message}` });
  created.onDeviceLost = (message) => void recoverOnCpu(created, message, true);
  session = created;
  // the loss may reach a step first as another error (a failed readback): training was on then too
  deviceOf(engine)?.lost.then((info) => recoverOnCpu(created, `${info.reason}: ${info.message || 'no message'}`, created.status().playing || created.stoppedByError));
  post({
    type: 'engine',
    info: engine.info,
    fallbackReason,
    runs: [...engine.runs],
    updatesPerEpoch: engine.updatesPerEpoch,
    trainCount: data.train.count,
    testCount: data.test.count,
    classes: data.classes,
    rows: data.rows,
    cols: data.cols,
    layers: config.hidden + 1,
  });
  if (imported !== null) post({ type: 'modelImport', requestId: imported, error: null });
  post(created.takeSnapshot());
  return created;
}

async function configure(config: PlaygroundConfig): Promise<void> {
  const id = ++configuration;
  session?.dispose();
  session = null;
  const data = await datasetOf(config);
  if (id !== configuration) return;
  const { engine, fallbackReason } = await selectEngine({ config: banditConfigOf(config), data }, config.engine);
  if (id !== configuration) {
    engine.dispose();
    return;
  }
  install(config, data, engine, fallbackReason, null, null);
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
  const input = { config: banditConfigOf(config), data };
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
  const { engine, fallbackReason } = await selectEngine({ config: banditConfigOf(config), data }, config.engine);
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

/** Test-only actions (see TEST_HOOKS_WORKER_NAME): lose the WebGPU device, or crash the worker. */
function testHook(action: TestHookAction): void {
  if (!testHooks) throw new Error('test hooks are off (add ?test-hooks=1 to the page URL)');
  if (action === 'crash') {
    setTimeout(() => {
      throw new Error('test hook: the training worker crashed');
    });
    return;
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
    return { type: 'inspection', requestId, image, input, label, testIndex, runs, firstLayerWeights };
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
    case 'inspect':
      return inspectTest(request.requestId, request.testIndex);
    case 'inspectDrawn':
      return inspect(request.requestId, request.pixels.map((v) => (v > 0 ? 255 : 0)), request.pixels, null, null);
    case 'evaluate':
      return evaluateDetails(request.requestId);
    case 'exportModel':
      return exportModel(request.requestId);
    case 'importModel':
      return importModel(request.requestId, request.config, request.saved, request.source);
    case 'testHook':
      testHook(request.action);
      return;
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error: unknown) => {
    post({ type: 'error', message: messageOf(error) });
  });
};

setInterval(() => {
  if (session) post(session.takeSnapshot());
}, SNAPSHOT_MS);

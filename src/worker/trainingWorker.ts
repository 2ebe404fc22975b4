// The training worker: loads data, builds the engine (WebGPU or CPU), runs the training
// session and posts metric snapshots a few times a second. Entry point of a module worker.
/// <reference lib="webworker" />
import { limitSet, type Dataset } from '../data/dataset.ts';
import { MNIST_ASSET_PATH, loadMnistAsset } from '../data/mnistAsset.ts';
import type { TrainingEngine } from '../engine/types.ts';
import { SPEED_LEVELS, banditConfigOf, type PlaygroundConfig } from '../playground/config.ts';
import { selectEngine } from './engineSelection.ts';
import { createPatternsDataset } from './patternsDataset.ts';
import type { EvaluationDetails, InspectionResult, WorkerMessage, WorkerRequest } from './protocol.ts';
import { TrainingSession } from './trainingSession.ts';

declare const self: DedicatedWorkerGlobalScope;

const SNAPSHOT_MS = 300;
const SHOWN_TEST_IMAGES = 60;
const INSPECT_SEED = 12345;
const WEIGHT_UNITS = 8;

let mnist: Promise<Dataset> | null = null;
let session: TrainingSession | null = null;
let dataset: Dataset | null = null;
let configuration = 0;

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

async function configure(config: PlaygroundConfig): Promise<void> {
  const id = ++configuration;
  session?.dispose();
  session = null;
  const full = await loadDataset(config);
  if (id !== configuration) return;
  const data: Dataset = { ...full, test: limitSet(full.test, full.pixels, config.testImages) };
  const { engine, fallbackReason } = await selectEngine({ config: banditConfigOf(config), data }, config.engine);
  if (id !== configuration) {
    engine.dispose();
    return;
  }
  dataset = data;
  const created = new TrainingSession(engine, { trainCount: data.train.count, epochs: config.epochs });
  created.setSpeed(SPEED_LEVELS[config.speed] ?? Number.POSITIVE_INFINITY);
  created.onIdle = () => post(created.takeSnapshot());
  created.onError = (message) => post({ type: 'error', message: `training stopped: ${message}` });
  session = created;
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
  post(created.takeSnapshot());
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
      runs.push({ run, probabilities: trace.probabilities, credit: trace.credit, samples: trace.samples, actionProbabilities: trace.actionProbabilities });
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
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error: unknown) => {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
};

setInterval(() => {
  if (session) post(session.takeSnapshot());
}, SNAPSHOT_MS);

// The training worker's views of the model: inside the network (a test or drawn digit through
// the runs of the first seed, with their first-layer weights), the VAE's reconstructions,
// samples and layers, and the evaluation with every test example's action. Each runs between
// training chunks and is stamped with the update it shows.
import type { Dataset } from '../data/dataset.ts';
import { hasVaeViews, type TrainingEngine } from '../engine/types.ts';
import { testImage } from './dataSource.ts';
import { NO_ENGINE_YET } from './engineLifecycle.ts';
import type { EvaluationDetails, InspectionResult, RunVaeViews, VaeViewsResult } from './protocol.ts';
import { RequestCancelled, type TrainingSession } from './trainingSession.ts';
import type { WorkerState } from './workerState.ts';

const SHOWN_TEST_IMAGES = 60;
const INSPECT_SEED = 12345;
/**
 * First-layer units whose weights an inspection carries: every unit up to this many (the page
 * shows them a page at a time; 256 × 784 float32 is 0.8 MB per run).
 */
const WEIGHT_UNITS = 256;
/** VAE views: the most digits reconstructed and sampled per run in one request */
const MAX_VAE_VIEW_DIGITS = 16;

/**
 * Inspection and the VAE views may run beside a test evaluation held by a pause on the CPU
 * engine (they read the parameters only; its evaluation keeps its sums in its own call); on
 * WebGPU they share the runtime's buffers with the evaluation, which finishes first.
 */
function readsAlongsideEvaluation(current: TrainingSession): { alongsideHeldEvaluation: boolean } {
  return { alongsideHeldEvaluation: current.engine.info.backend === 'cpu' };
}

/** The runs shown: those of the first seed, one per estimator. */
function inspectedRuns(engine: TrainingEngine): number[] {
  const firstSeed = engine.runs[0]?.seed;
  return engine.runs.filter((r) => r.seed === firstSeed).map((r) => r.index);
}

/**
 * One digit (`input`: 0/1 pixels; `image`: its intensities) through every shown run.
 * @throws RequestCancelled without a session
 */
export async function inspect(state: WorkerState, requestId: number, image: Uint8Array, input: Uint8Array, label: number | null, testIndex: number | null): Promise<void> {
  const current = state.session;
  if (!current) throw new RequestCancelled(NO_ENGINE_YET);
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
  }, readsAlongsideEvaluation(current));
  state.post(result);
}

/** Test digit `testIndex` (clamped to the test set) through every shown run. */
export function inspectTest(state: WorkerState, requestId: number, testIndex: number): Promise<void> {
  const data = state.dataset;
  if (!data) return Promise.reject(new RequestCancelled(NO_ENGINE_YET));
  const index = Math.max(0, Math.min(data.test.count - 1, Math.floor(testIndex)));
  const { image, input } = testImage(data, index);
  return inspect(state, requestId, image, input, data.test.labels[index], index);
}

/**
 * The VAE views of the runs of the first seed: reconstructions of the test digits
 * `testIndices`, `samples` digits from the prior (engines with viewVae; the others say so),
 * and each encoder layer of test digit `chosen`, stamped with the update they show.
 * @throws RequestCancelled without a session or when the engine is no VAE
 */
export async function viewVae(state: WorkerState, requestId: number, testIndices: number[], samples: number, chosen: number): Promise<void> {
  const current = state.session;
  const data: Dataset | null = state.dataset;
  if (!current || !data) throw new RequestCancelled(NO_ENGINE_YET);
  if (current.engine.config.task !== 'vae') throw new RequestCancelled('the engine is no VAE (the task changed)');
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
  }, readsAlongsideEvaluation(current));
  state.post(result);
}

/**
 * Every run evaluated on the test set with each example's action (confusion matrices) and the
 * first test images.
 * @throws RequestCancelled without a session
 */
export async function evaluateDetails(state: WorkerState, requestId: number): Promise<void> {
  const current = state.session;
  const data = state.dataset;
  if (!current || !data) throw new RequestCancelled(NO_ENGINE_YET);
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
  state.post(details);
}

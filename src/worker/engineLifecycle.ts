// The training worker's engine lifecycle: build the engine of a configuration (WebGPU or CPU,
// engineSelection.ts), install its session and tell the page, and recover on the CPU engine when
// the WebGPU device is lost (from the last in-memory checkpoint, or a restart said as such).
import type { Dataset } from '../data/dataset.ts';
import { createCpuEngine } from '../backends/cpu/index.ts';
import { isCheckpointable } from '../engine/state.ts';
import type { TrainingEngine } from '../engine/types.ts';
import { SPEED_LEVELS, engineConfigOf, isVaeTask, varianceLayersOf, type PlaygroundConfig } from '../playground/config.ts';
import { selectEngine } from './engineSelection.ts';
import type { SessionCheckpoint, SessionProgress } from './savedTraining.ts';
import { TrainingSession } from './trainingSession.ts';
import { messageOf, type WorkerState } from './workerState.ts';

/** VAE: metric points per epoch and points between test evaluations (the CPU engine does ~10 updates/s: a point every few seconds, the bound every 300 updates) */
const VAE_POINTS_PER_EPOCH = 60;
const VAE_EVALUATE_EVERY_POINTS = 15;
/**
 * The conv task's metric points per epoch: every 10 updates at batch 50 (the default's 60 put
 * the first point 60 updates, about 30 s on the CPU engine, after Play), each holding one update
 * whose variance is measured (every 10th: PLAYGROUND_CONV_VARIANCE_EVERY); a test evaluation
 * every 200 updates.
 */
const CONV_POINTS_PER_EPOCH = 120;
const CONV_EVALUATE_EVERY_POINTS = 20;

/** Why requests on a session were not answered, by what disposed it (one user-facing line each). */
export const CANCELLED_BY_CONFIGURE = 'the configuration changed (Reset, or a setting that rebuilds the engine) before it finished';
export const CANCELLED_BY_IMPORT = 'a model file was loaded before it finished';
export const CANCELLED_BY_DEVICE_LOSS = 'the WebGPU device was lost before it finished (the CPU engine took over)';
export const NO_ENGINE_YET = 'no engine is running yet (it is being built)';

/** Lets the event loop run (messages such as pause get through during a long evaluation). */
const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The site's folder the worker was loaded from (the page's configure request may name another). */
export function defaultAssetBase(): string {
  return new URL(import.meta.env.BASE_URL, self.location.origin).href;
}

/** The dataset of a configuration, with the page told the download's progress. */
export function datasetFor(state: WorkerState, config: PlaygroundConfig): Promise<Dataset> {
  return state.mnist.datasetOf(config, defaultAssetBase(), (loaded, total) => state.post({ type: 'loading', what: 'MNIST', loaded, total }));
}

/** The WebGPU device of an engine that has one (the WebGPU engine), else null. */
export function deviceOf(engine: TrainingEngine): GPUDevice | null {
  const device = (engine as { device?: unknown }).device;
  return typeof GPUDevice !== 'undefined' && device instanceof GPUDevice ? device : null;
}

/**
 * Makes a session of `engine` the current one (the previous one must be disposed), tells the
 * page (an 'engine' message, then the answer to an import, then a snapshot) and watches a
 * WebGPU engine's device for loss.
 */
export function install(state: WorkerState, config: PlaygroundConfig, data: Dataset, engine: TrainingEngine, fallbackReason: string | null, from: SessionProgress | null, imported: number | null): TrainingSession {
  state.dataset = data;
  state.sessionConfig = config;
  const vae = isVaeTask(config.task);
  const created = new TrainingSession(engine, {
    trainCount: data.train.count,
    epochs: config.epochs,
    ...(from ? { from } : {}),
    ...(vae ? { recordEvery: Math.max(1, Math.round(engine.updatesPerEpoch / VAE_POINTS_PER_EPOCH)), evaluateEveryPoints: VAE_EVALUATE_EVERY_POINTS } : {}),
    ...(engine.config.task === 'conv-bandit' ? { recordEvery: Math.max(1, Math.round(engine.updatesPerEpoch / CONV_POINTS_PER_EPOCH)), evaluateEveryPoints: CONV_EVALUATE_EVERY_POINTS } : {}),
    onEvaluationProgress: async (done, total) => {
      state.post({ type: 'evaluating', done, total });
      await yieldToEvents();
    },
  });
  created.setSpeed(SPEED_LEVELS[config.speed] ?? Number.POSITIVE_INFINITY);
  created.onIdle = () => state.post(created.takeSnapshot());
  created.onError = (message) => state.post({ type: 'error', message: `training stopped: ${message}` });
  created.onDeviceLost = (message) => void recoverOnCpu(state, created, message, true);
  state.session = created;
  // the loss may reach a step first as another error (a failed readback): training was on then too
  deviceOf(engine)?.lost.then((info) => recoverOnCpu(state, created, `${info.reason}: ${info.message || 'no message'}`, created.status().playing || created.stoppedByError));
  state.post({
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
    varianceEvery: engine.varianceEvery ?? 1,
  });
  if (imported !== null) state.post({ type: 'modelImport', requestId: imported, error: null });
  state.post(created.takeSnapshot());
  return created;
}

/** Builds the engine of `config` and installs its session; a newer configure request wins. */
export async function configure(state: WorkerState, config: PlaygroundConfig): Promise<void> {
  const id = ++state.configuration;
  state.session?.dispose(CANCELLED_BY_CONFIGURE);
  state.session = null;
  let data: Dataset;
  try {
    data = await datasetFor(state, config);
  } catch (error) {
    // the page shows this line with a retry (a configure again), instead of the loading progress
    if (id === state.configuration) state.post({ type: 'loadFailed', what: config.task === 'patterns' ? 'the patterns' : 'MNIST', message: messageOf(error) });
    return;
  }
  if (id !== state.configuration) return;
  const selected = await selectEngine({ config: engineConfigOf(config), data }, config.engine);
  state.track(selected.engine);
  const engine = state.hideEngineState ? withoutStateExport(selected.engine) : selected.engine;
  if (id !== state.configuration) {
    engine.dispose();
    return;
  }
  install(state, config, data, engine, selected.fallbackReason, null, null);
}

/**
 * The WebGPU device of `lost` was lost: continue on the CPU engine from its last in-memory
 * checkpoint, or, without one (an engine that cannot export its state), restart the runs with
 * the same configuration; the page is told which in one line. Once per session.
 */
export async function recoverOnCpu(state: WorkerState, lost: TrainingSession, cause: string, resume: boolean): Promise<void> {
  const config = state.sessionConfig;
  const data = state.dataset;
  if (lost !== state.session || lost.isDisposed || !config || !data) return;
  const lostAt = lost.engine.updatesDone;
  const checkpoint: SessionCheckpoint | null = lost.lastCheckpoint;
  lost.dispose(CANCELLED_BY_DEVICE_LOSS);
  state.session = null;
  const id = ++state.configuration;
  const input = { config: engineConfigOf(config), data };
  let engine = state.track(createCpuEngine(input));
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
  if (id !== state.configuration) {
    engine.dispose();
    return;
  }
  const fromUpdate = from ? engine.updatesDone : 0;
  const notice = from
    ? `WebGPU device lost at update ${lostAt}; continuing on the CPU engine from update ${fromUpdate} (the last saved state)`
    : `WebGPU device lost at update ${lostAt}; no saved state could be restored${restoreError}, so the runs restarted on the CPU engine with the same configuration (the progress was lost)`;
  state.post({ type: 'recovered', notice, fromUpdate });
  const restarted = install(state, config, data, engine, `the WebGPU device was lost (${cause})`, from, null);
  if (resume) restarted.play();
}

/**
 * `engine` seen as an engine that cannot export or import its state (test hook
 * 'statelessEngine'): exportState and importState read as absent, so isCheckpointable is
 * false; everything else (its device included) is the engine's own, and its description
 * says that the export is hidden.
 */
export function withoutStateExport(engine: TrainingEngine): TrainingEngine {
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

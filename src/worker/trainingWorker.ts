// The training worker's entry point (a module worker): one WorkerState (workerState.ts) holds
// everything that changes; each request goes to the module of its concern: the engine's
// lifecycle and device-loss recovery (engineLifecycle.ts), model files (modelFiles.ts), views
// of the model (views.ts), data (dataSource.ts). Every request with an id is answered.
/// <reference lib="webworker" />
import { EngineError, type TrainingEngine } from '../engine/types.ts';
import { CANCELLED_BY_DEVICE_LOSS, configure, deviceOf } from './engineLifecycle.ts';
import { exportModel, importModel } from './modelFiles.ts';
import { TEST_HOOKS_WORKER_NAME, WORKER_PROBE_GLOBAL, type TestHookAction, type WorkerProbe, type WorkerRequest } from './protocol.ts';
import { RequestCancelled } from './trainingSession.ts';
import { evaluateDetails, inspect, inspectTest, viewVae } from './views.ts';
import { messageOf, WorkerState } from './workerState.ts';

declare const self: DedicatedWorkerGlobalScope;

const SNAPSHOT_MS = 300;

/** The worker's one state object. */
const state = new WorkerState((message, transfer) => self.postMessage(message, transfer), self.name === TEST_HOOKS_WORKER_NAME);

/**
 * The one user-facing line for a request that failed with `error`: a cancellation says why,
 * a lost device says so, and an engine used after its disposal (a request that raced a reset)
 * is said as the cancellation it is, never as the engine's internal text.
 */
function requestFailureReason(error: unknown): string {
  if (error instanceof RequestCancelled) return error.message;
  if (error instanceof EngineError && error.kind === 'device-lost') return 'the WebGPU device was lost (the CPU engine takes over)';
  if (error instanceof EngineError && error.kind === 'internal' && /after dispose/.test(error.message)) return 'the engine was replaced before it finished';
  return messageOf(error);
}

/** Test-only actions (see TestHookAction and TEST_HOOKS_WORKER_NAME). */
async function testHook(action: TestHookAction): Promise<void> {
  if (!state.testHooks) throw new Error('test hooks are off (add ?test-hooks=1 to the page URL)');
  if (action === 'crash') {
    setTimeout(() => {
      throw new Error('test hook: the training worker crashed');
    });
    return;
  }
  if (action === 'statelessEngine') {
    if (!state.sessionConfig) throw new Error('test hook: no configuration to rebuild yet');
    state.hideEngineState = true;
    return configure(state, state.sessionConfig);
  }
  const device = state.session ? deviceOf(state.session.engine) : null;
  if (!device) throw new Error('test hook: the current engine has no WebGPU device');
  device.destroy();
}

async function handle(request: WorkerRequest): Promise<void> {
  const session = state.session;
  switch (request.type) {
    case 'configure':
      state.mnist.assetBase = request.assetBase;
      state.pageGeneration = request.generation;
      return configure(state, request.config);
    case 'play':
      session?.play();
      return;
    case 'pause':
      session?.pause();
      if (session) state.post(session.takeSnapshot());
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
      if (state.sessionConfig) state.sessionConfig = { ...state.sessionConfig, epochs: request.epochs };
      state.post(session.takeSnapshot());
      return;
    case 'inspect':
      return inspectTest(state, request.requestId, request.testIndex);
    case 'inspectDrawn':
      return inspect(state, request.requestId, request.pixels.map((v) => (v > 0 ? 255 : 0)), request.pixels, null, null);
    case 'evaluate':
      return evaluateDetails(state, request.requestId);
    case 'viewVae':
      return viewVae(state, request.requestId, request.testIndices, request.samples, request.chosen);
    case 'exportModel':
      return exportModel(state, request.requestId);
    case 'importModel':
      return importModel(state, request.requestId, request.config, request.saved, request.source);
    case 'testHook':
      return testHook(request.action);
  }
}

/**
 * Whether the WebGPU device of `engine` is lost, or is lost within `graceMs` (a readback that
 * failed because the device went away, e.g. "Buffer was unmapped before mapping was resolved",
 * can reach the request before the device's lost promise settles).
 */
async function deviceLostSoon(engine: TrainingEngine | undefined, graceMs: number): Promise<boolean> {
  const device = engine ? deviceOf(engine) : null;
  if (!device) return false;
  return Promise.race([device.lost.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs))]);
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  const engine = state.session?.engine;
  handle(request).catch(async (error: unknown) => {
    // a failure caused by a lost device is said as that, never as the failed call's own text
    const reason = !(error instanceof RequestCancelled) && (await deviceLostSoon(engine, 250)) ? CANCELLED_BY_DEVICE_LOSS : requestFailureReason(error);
    // a request with an id is answered, whatever happened; other failures go to the page's error line
    if ('requestId' in request) state.post({ type: 'requestFailed', requestId: request.requestId, message: reason });
    else state.post({ type: 'error', message: reason });
  });
};

// the browser soak (bench/browser/soak.ts) reads this through CDP (Runtime.evaluate in the worker)
if (state.testHooks) {
  const probe = (): WorkerProbe => {
    const engine = state.session?.engine;
    const bytes: unknown = engine ? (engine as { gpuBufferBytes?: unknown }).gpuBufferBytes : undefined;
    let allBytes = 0;
    for (const built of state.builtEngines) {
      const b: unknown = (built as { gpuBufferBytes?: unknown }).gpuBufferBytes;
      if (typeof b === 'number' && b > 0) allBytes += b;
      else state.builtEngines.delete(built); // released (or a CPU engine): no longer counted
    }
    return { backend: engine?.info.backend ?? null, updatesDone: engine?.updatesDone ?? 0, gpuBufferBytes: typeof bytes === 'number' ? bytes : null, allGpuBufferBytes: allBytes };
  };
  Object.assign(self, { [WORKER_PROBE_GLOBAL]: probe });
}

setInterval(() => {
  if (state.session) state.post(state.session.takeSnapshot());
}, SNAPSHOT_MS);

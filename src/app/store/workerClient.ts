// The page side of the worker: sends commands, and turns the worker's messages into store updates.
// Components call these commands (through the controller context), never the worker directly.
import { createContext, useContext } from 'react';
import { SPEED_LEVELS, defaultConfig, type PlaygroundConfig } from '../../playground/config.ts';
import { serializeUrlConfig } from '../model/urlConfig.ts';
import { decodeModelFile, encodeModelFile } from '../model/modelFile.ts';
import type { StampedMessage, TestHookAction, WorkerRequest } from '../../worker/protocol.ts';
import type { ViewRequest } from './inspectionSlice.ts';
import type { PlaygroundStore } from './playgroundStore.ts';
import { IDLE_STATUS } from './sessionSlice.ts';

/** Fields that the engine can change mid-run; every other change rebuilds the engine. */
const LIVE_FIELDS = new Set<keyof PlaygroundConfig>(['lr', 'batch', 'speed', 'epochs', 'hide', 'comparePaper', 'largeType']);

export interface PlaygroundController {
  play(): void;
  pause(): void;
  step(updates: number): void;
  /** rebuild with the same seeds: a fair re-run */
  resetSameSeed(): void;
  /** rebuild with fresh seeds */
  resetNewSeed(): void;
  /** apply a configuration change (lr, batch, speed live; anything else resets) */
  change(change: Partial<PlaygroundConfig>): void;
  inspectTest(index: number): void;
  inspectDrawn(pixels: Uint8Array): void;
  evaluate(): void;
  /** VAE: reconstructions of test digits `testIndices`, `samples` prior samples and the layers of test digit `chosen` (answered into vaeViews) */
  viewVae(testIndices: number[], samples: number, chosen: number): void;
  /** the model file's text (configuration, charts' points, engine state); rejects with a one-line reason */
  saveModel(): Promise<string>;
  /** continue from a model file (its configuration applies); a refused file changes nothing and is named in modelMessage */
  loadModel(text: string, source: string): Promise<void>;
  /** after the worker died: a new worker with the same configuration (training starts again) */
  restartWorker(): void;
  /** tests only: effective in a worker started with test hooks (page URL ?test-hooks=1) */
  testHook(action: TestHookAction): void;
  /** requests sent and not yet answered, refused or cancelled (every one is settled: 0 once the worker has answered them all) */
  pendingRequests(): number;
  dispose(): void;
}

/** A request waiting for the worker's answer: settled exactly once (answer, refusal or cancellation). */
interface Pending {
  kind: 'save' | 'load' | ViewRequest;
  resolve: (value: string) => void;
  /** `reason`: one user-facing line saying why it was not answered */
  reject: (reason: string) => void;
}

/** Why the requests in flight were not answered (one user-facing line each). */
export const CANCEL_REASONS = {
  configure: 'the configuration changed (Reset, or a setting that rebuilds the engine) before it finished',
  deviceLost: 'the WebGPU device was lost before it finished (the CPU engine took over)',
  restart: 'the training worker was restarted before it finished',
  died: 'the training worker stopped',
} as const;

/** What a view request's failure says on the page, from the worker's (or the page's) reason. */
function viewFailureLine(kind: ViewRequest, reason: string): string {
  if (kind === 'evaluate') return `Evaluation not finished: ${reason}; press Evaluate again.`;
  return `Not shown: ${reason}.`;
}

/**
 * The page side of the worker. `createWorker` makes the training worker (again after it died).
 */
export function createPlaygroundController(store: PlaygroundStore, createWorker: () => Worker): PlaygroundController {
  let nextRequest = 1;
  /** counts configure requests: the worker stamps its messages with it, and older ones are dropped */
  let generation = 0;
  let worker = createWorker();
  const send = (request: WorkerRequest): void => worker.postMessage(request);
  /** every request waiting for the worker's answer, by request id */
  const pending = new Map<number, Pending>();
  /** takes the pending request `requestId` of `kind` (null when it was settled already: a late answer is dropped) */
  const take = (requestId: number, kind: Pending['kind']): Pending | null => {
    const entry = pending.get(requestId);
    if (!entry || entry.kind !== kind) return null;
    pending.delete(requestId);
    return entry;
  };
  /** settles every request in flight with `reason` (a reset, a replaced engine, a restarted or dead worker) */
  const cancelAll = (reason: string): void => {
    const entries = [...pending.values()];
    pending.clear();
    for (const entry of entries) entry.reject(reason);
  };
  /** a view request (inspection, evaluation, VAE views): counted while pending, its failure said in its panel */
  const viewRequest = (kind: ViewRequest, build: (requestId: number) => WorkerRequest): void => {
    const requestId = nextRequest++;
    const state = store.getState();
    state.noteViewRequest(kind, 1);
    pending.set(requestId, {
      kind,
      resolve: () => store.getState().noteViewRequest(kind, -1, null),
      reject: (reason) => store.getState().noteViewRequest(kind, -1, viewFailureLine(kind, reason)),
    });
    send(build(requestId));
  };

  const receive = (message: StampedMessage): void => {
    if (message.generation !== generation) return; // from before the last reset: its requests were settled then
    const state = store.getState();
    switch (message.type) {
      case 'requestFailed':
        // the line goes inside a sentence of the page's: no full stop of its own
        take(message.requestId, pending.get(message.requestId)?.kind ?? 'save')?.reject(message.message.replace(/\.+$/, ''));
        return;
      case 'engine':
        state.setEngine(message);
        state.setError(null);
        return;
      case 'recovered':
        cancelAll(CANCEL_REASONS.deviceLost);
        if (message.fromUpdate > 0) state.truncateMetrics(message.fromUpdate);
        else state.clearMetrics();
        state.clearInspections();
        state.setEngineNotice(message.notice);
        return;
      case 'model': {
        const { points, failures, config, status } = state;
        take(message.requestId, 'save')?.resolve(encodeModelFile({ config, points, failures, status, saved: message.saved }));
        return;
      }
      case 'modelImport': {
        const entry = take(message.requestId, 'load');
        if (message.error === null) entry?.resolve('');
        else entry?.reject(message.error);
        return;
      }
      case 'loading':
        state.setLoading(message);
        return;
      case 'loadFailed':
        state.setLoadFailure({ what: message.what, message: message.message });
        return;
      case 'snapshot':
        state.appendMetrics(message.points, message.failures);
        state.setStatus(message.status);
        return;
      case 'inspection':
        take(message.requestId, 'inspect')?.resolve('');
        state.setInspection(message);
        return;
      case 'evaluation':
        take(message.requestId, 'evaluate')?.resolve('');
        state.setEvaluation(message);
        return;
      case 'vaeViews':
        take(message.requestId, 'viewVae')?.resolve('');
        state.setVaeViews(message);
        return;
      case 'evaluating':
        state.setEvaluating(message);
        return;
      case 'error':
        state.setError(message.message);
        return;
    }
  };
  /** the worker died (an uncaught error in it): say so once, stop it, and fail what waits on it */
  const died = (event: ErrorEvent): void => {
    event.preventDefault();
    const state = store.getState();
    if (state.workerDead !== null) return;
    worker.terminate();
    const detail = event.message ? event.message.replace(/^Uncaught /, '') : 'no message';
    state.setWorkerDead(`The training worker stopped (${detail}); the charts keep what it reported.`);
    state.setStatus({ ...state.status, playing: false });
    cancelAll(CANCEL_REASONS.died);
  };
  const attach = (): void => {
    worker.onmessage = (event: MessageEvent<StampedMessage>) => receive(event.data);
    worker.onerror = died;
  };
  attach();

  const writeUrl = (config: PlaygroundConfig): void => {
    const query = serializeUrlConfig(config);
    if (window.location.search !== query) window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  };

  const configure = (config: PlaygroundConfig, reason: string = CANCEL_REASONS.configure): void => {
    generation += 1;
    cancelAll(reason);
    const state = store.getState();
    state.setConfig(config);
    state.clearMetrics();
    state.clearInspections();
    state.setEngine(null);
    state.setStatus(IDLE_STATUS); // the old run's count is no longer shown while the new engine starts
    state.setEngineNotice(null);
    state.setModelMessage(null);
    state.setLoadFailure(null);
    state.setError(null);
    writeUrl(config);
    // the data files lie beside the page (relative to its folder), wherever the site is served from
    const assetBase = new URL(import.meta.env.BASE_URL, document.baseURI).href;
    send({ type: 'configure', config, assetBase, generation }); // the worker applies config.speed to the new session
  };

  configure(store.getState().config);

  return {
    play: () => send({ type: 'play' }),
    pause: () => send({ type: 'pause' }),
    step: (updates) => send({ type: 'step', updates }),
    resetSameSeed: () => configure(store.getState().config),
    resetNewSeed: () => configure({ ...store.getState().config, firstSeed: 1 + Math.floor(Math.random() * 1_000_000) }),
    change: (change) => {
      const current = store.getState().config;
      // a new task starts from that task's defaults (its widths and learning rates differ), keeping the comparison
      const base =
        change.task !== undefined && change.task !== current.task
          ? { ...defaultConfig(change.task), estimators: current.estimators, vaeEstimators: current.vaeEstimators, seeds: current.seeds, firstSeed: current.firstSeed, speed: current.speed, engine: current.engine, hide: current.hide, comparePaper: current.comparePaper, largeType: current.largeType }
          : current;
      const next = { ...base, ...change };
      const live = (Object.keys(change) as (keyof PlaygroundConfig)[]).every((k) => LIVE_FIELDS.has(k));
      if (!live) {
        configure(next);
        return;
      }
      store.getState().setConfig(next);
      writeUrl(next);
      if (change.lr !== undefined || change.batch !== undefined) {
        const hyper: { lr?: number; batch?: number } = {};
        if (change.lr !== undefined) hyper.lr = change.lr;
        if (change.batch !== undefined) hyper.batch = change.batch;
        send({ type: 'hyperparameters', ...hyper });
      }
      if (change.speed !== undefined) send({ type: 'speed', updatesPerSecond: SPEED_LEVELS[change.speed] ?? Number.POSITIVE_INFINITY });
      if (change.epochs !== undefined) send({ type: 'epochs', epochs: change.epochs });
    },
    inspectTest: (index) => {
      store.getState().setTestIndex(index);
      viewRequest('inspect', (requestId) => ({ type: 'inspect', requestId, testIndex: index }));
    },
    inspectDrawn: (pixels) => viewRequest('inspect', (requestId) => ({ type: 'inspectDrawn', requestId, pixels })),
    evaluate: () => viewRequest('evaluate', (requestId) => ({ type: 'evaluate', requestId })),
    viewVae: (testIndices, samples, chosen) => viewRequest('viewVae', (requestId) => ({ type: 'viewVae', requestId, testIndices, samples, chosen })),
    saveModel: () =>
      new Promise<string>((resolve, reject) => {
        const requestId = nextRequest++;
        pending.set(requestId, { kind: 'save', resolve, reject: (reason) => reject(new Error(`Save model: ${reason}; nothing was saved.`)) });
        send({ type: 'exportModel', requestId });
      }),
    loadModel: async (text, source) => {
      let file: ReturnType<typeof decodeModelFile>;
      try {
        file = decodeModelFile(text, source);
        const requestId = nextRequest++;
        const loaded = file;
        await new Promise<string>((resolve, reject) => {
          pending.set(requestId, { kind: 'load', resolve, reject: (reason) => reject(new Error(reason)) });
          send({ type: 'importModel', requestId, config: loaded.config, saved: loaded.training, source });
        });
      } catch (error) {
        // a refusal names the file itself; a cancellation says that the file was not loaded
        const reason = error instanceof Error ? error.message : String(error);
        const text = reason.startsWith(`${source}:`) || reason.startsWith(`${source} `) ? `Load model: ${reason}; nothing was changed.` : `Load model: ${source} was not loaded: ${reason}.`;
        store.getState().setModelMessage({ kind: 'error', text });
        return;
      }
      // the worker runs the loaded model now: the page follows
      const state = store.getState();
      state.setConfig(file.config);
      state.setMetrics(file.points, file.failures);
      state.clearInspections();
      state.setEngineNotice(null);
      state.setError(null);
      state.setModelMessage({ kind: 'info', text: `Loaded ${source} (update ${file.update}); training continues from it.` });
      writeUrl(file.config);
    },
    restartWorker: () => {
      worker.terminate();
      worker = createWorker();
      attach();
      store.getState().setWorkerDead(null);
      configure(store.getState().config, CANCEL_REASONS.restart);
    },
    testHook: (action) => send({ type: 'testHook', action }),
    pendingRequests: () => pending.size,
    dispose: () => worker.terminate(),
  };
}

export const ControllerContext = createContext<PlaygroundController | null>(null);

export function useController(): PlaygroundController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside ControllerContext');
  return controller;
}

// The page side of the worker: sends commands, and turns the worker's messages into store updates.
// Components call these commands (through the controller context), never the worker directly.
import { createContext, useContext } from 'react';
import { SPEED_LEVELS, defaultConfig, type PlaygroundConfig } from '../../playground/config.ts';
import { serializeUrlConfig } from '../model/urlConfig.ts';
import { decodeModelFile, encodeModelFile } from '../model/modelFile.ts';
import type { TestHookAction, WorkerMessage, WorkerRequest } from '../../worker/protocol.ts';
import type { PlaygroundStore } from './playgroundStore.ts';

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
  dispose(): void;
}

interface Pending {
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

/**
 * The page side of the worker. `createWorker` makes the training worker (again after it died).
 */
export function createPlaygroundController(store: PlaygroundStore, createWorker: () => Worker): PlaygroundController {
  let nextRequest = 1;
  let worker = createWorker();
  const send = (request: WorkerRequest): void => worker.postMessage(request);
  /** save and load requests waiting for the worker's answer */
  const pending = new Map<number, Pending>();

  const receive = (message: WorkerMessage): void => {
    const state = store.getState();
    switch (message.type) {
      case 'engine':
        state.setEngine(message);
        state.setError(null);
        return;
      case 'recovered':
        if (message.fromUpdate > 0) state.truncateMetrics(message.fromUpdate);
        else state.clearMetrics();
        state.clearInspections();
        state.setEngineNotice(message.notice);
        return;
      case 'model': {
        const { points, failures, config, status } = state;
        pending.get(message.requestId)?.resolve(encodeModelFile({ config, points, failures, status, saved: message.saved }));
        pending.delete(message.requestId);
        return;
      }
      case 'modelImport':
        if (message.error === null) pending.get(message.requestId)?.resolve('');
        else pending.get(message.requestId)?.reject(new Error(message.error));
        pending.delete(message.requestId);
        return;
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
        state.setInspection(message);
        return;
      case 'evaluation':
        state.setEvaluation(message);
        return;
      case 'vaeViews':
        state.setVaeViews(message);
        return;
      case 'evaluating':
        state.setEvaluating(message);
        return;
      case 'error':
        if (message.message.startsWith('Save model:') && pending.size > 0) {
          for (const p of pending.values()) p.reject(new Error(message.message));
          pending.clear();
        } else state.setError(message.message);
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
    for (const p of pending.values()) p.reject(new Error('the training worker stopped'));
    pending.clear();
  };
  const attach = (): void => {
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => receive(event.data);
    worker.onerror = died;
  };
  attach();

  const writeUrl = (config: PlaygroundConfig): void => {
    const query = serializeUrlConfig(config);
    if (window.location.search !== query) window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  };

  const configure = (config: PlaygroundConfig): void => {
    const state = store.getState();
    state.setConfig(config);
    state.clearMetrics();
    state.clearInspections();
    state.setEngine(null);
    state.setEngineNotice(null);
    state.setModelMessage(null);
    state.setLoadFailure(null);
    state.setError(null);
    writeUrl(config);
    // the data files lie beside the page (relative to its folder), wherever the site is served from
    const assetBase = new URL(import.meta.env.BASE_URL, document.baseURI).href;
    send({ type: 'configure', config, assetBase }); // the worker applies config.speed to the new session
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
      send({ type: 'inspect', requestId: nextRequest++, testIndex: index });
    },
    inspectDrawn: (pixels) => send({ type: 'inspectDrawn', requestId: nextRequest++, pixels }),
    evaluate: () => send({ type: 'evaluate', requestId: nextRequest++ }),
    viewVae: (testIndices, samples, chosen) => send({ type: 'viewVae', requestId: nextRequest++, testIndices, samples, chosen }),
    saveModel: () =>
      new Promise<string>((resolve, reject) => {
        const requestId = nextRequest++;
        pending.set(requestId, { resolve, reject });
        send({ type: 'exportModel', requestId });
      }),
    loadModel: async (text, source) => {
      let file: ReturnType<typeof decodeModelFile>;
      try {
        file = decodeModelFile(text, source);
        const requestId = nextRequest++;
        const loaded = file;
        await new Promise<string>((resolve, reject) => {
          pending.set(requestId, { resolve, reject });
          send({ type: 'importModel', requestId, config: loaded.config, saved: loaded.training, source });
        });
      } catch (error) {
        store.getState().setModelMessage({ kind: 'error', text: `Load model: ${error instanceof Error ? error.message : String(error)}; nothing was changed.` });
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
      configure(store.getState().config);
    },
    testHook: (action) => send({ type: 'testHook', action }),
    dispose: () => worker.terminate(),
  };
}

export const ControllerContext = createContext<PlaygroundController | null>(null);

export function useController(): PlaygroundController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside ControllerContext');
  return controller;
}

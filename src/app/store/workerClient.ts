// The page side of the worker: sends commands, and turns the worker's messages into store updates.
// Components call these commands (through the controller context), never the worker directly.
import { createContext, useContext } from 'react';
import { SPEED_LEVELS, defaultConfig, type PlaygroundConfig } from '../../playground/config.ts';
import { serializeUrlConfig } from '../model/urlConfig.ts';
import type { WorkerMessage, WorkerRequest } from '../../worker/protocol.ts';
import type { PlaygroundStore } from './playgroundStore.ts';

/** Fields that the engine can change mid-run; every other change rebuilds the engine. */
const LIVE_FIELDS = new Set<keyof PlaygroundConfig>(['lr', 'batch', 'speed', 'hide']);

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
  dispose(): void;
}

export function createPlaygroundController(store: PlaygroundStore, worker: Worker): PlaygroundController {
  let nextRequest = 1;
  const send = (request: WorkerRequest): void => worker.postMessage(request);

  const receive = (message: WorkerMessage): void => {
    const state = store.getState();
    switch (message.type) {
      case 'engine':
        state.setEngine(message);
        state.setError(null);
        return;
      case 'loading':
        state.setLoading(message);
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
      case 'error':
        state.setError(message.message);
        return;
    }
  };
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => receive(event.data);
  worker.onerror = (event) => store.getState().setError(`worker error: ${event.message}`);

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
    writeUrl(config);
    send({ type: 'configure', config }); // the worker applies config.speed to the new session
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
          ? { ...defaultConfig(change.task), estimators: current.estimators, seeds: current.seeds, firstSeed: current.firstSeed, speed: current.speed, engine: current.engine, hide: current.hide }
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
    },
    inspectTest: (index) => {
      store.getState().setTestIndex(index);
      send({ type: 'inspect', requestId: nextRequest++, testIndex: index });
    },
    inspectDrawn: (pixels) => send({ type: 'inspectDrawn', requestId: nextRequest++, pixels }),
    evaluate: () => send({ type: 'evaluate', requestId: nextRequest++ }),
    dispose: () => worker.terminate(),
  };
}

export const ControllerContext = createContext<PlaygroundController | null>(null);

export function useController(): PlaygroundController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside ControllerContext');
  return controller;
}

// Entry point: reads the configuration from the URL, creates the store and the worker, renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { TEST_HOOKS_PARAM, parseUrlConfig } from './model/urlConfig.ts';
import { TEST_HOOKS_WORKER_NAME, type TestHookAction } from '../worker/protocol.ts';
import { createPlaygroundStore, PlaygroundStoreContext } from './store/playgroundStore.ts';
import { ControllerContext, createPlaygroundController } from './store/workerClient.ts';
import { injectPanelFault } from './components/panelFaults.ts';
import { rootErrorOptions } from './rootErrors.ts';
import './playground.css';

const { config, notices } = parseUrlConfig(window.location.search);
const store = createPlaygroundStore(config, notices);
// ?test-hooks=1: the browser tests may lose the worker's WebGPU device or crash the worker
const testHooks = new URLSearchParams(window.location.search).get(TEST_HOOKS_PARAM) === '1';
// (literal options in each branch: Vite bundles a worker only from a static `new Worker(new URL(…), {…})`;
// the test-hooks name is TEST_HOOKS_WORKER_NAME, checked below)
const createWorker = (): Worker =>
  testHooks
    ? new Worker(new URL('../worker/trainingWorker.ts', import.meta.url), { type: 'module', name: 'hnca-training test-hooks' })
    : new Worker(new URL('../worker/trainingWorker.ts', import.meta.url), { type: 'module', name: 'hnca-training' });
if (testHooks && TEST_HOOKS_WORKER_NAME !== 'hnca-training test-hooks') throw new Error('main.tsx: the test-hooks worker name differs from TEST_HOOKS_WORKER_NAME');
const controller = createPlaygroundController(store, createWorker);

declare global {
  interface Window {
    /** set with ?test-hooks=1 only */
    hncaTestHook?: (action: TestHookAction) => void;
    /** set with ?test-hooks=1 only: makes panel `id` throw `message` (components/PanelBoundary.tsx) */
    hncaPanelFault?: (id: string, message: string) => void;
  }
}
if (testHooks) {
  window.hncaTestHook = (action) => controller.testHook(action);
  window.hncaPanelFault = injectPanelFault;
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root, rootErrorOptions(root, 'The playground')).render(
  <StrictMode>
    <PlaygroundStoreContext.Provider value={store}>
      <ControllerContext.Provider value={controller}>
        <App />
      </ControllerContext.Provider>
    </PlaygroundStoreContext.Provider>
  </StrictMode>,
);

// Entry point: reads the configuration from the URL, creates the store and the worker, renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { parseUrlConfig } from './model/urlConfig.ts';
import { createPlaygroundStore, PlaygroundStoreContext } from './store/playgroundStore.ts';
import { ControllerContext, createPlaygroundController } from './store/workerClient.ts';
import './playground.css';

const { config, notices } = parseUrlConfig(window.location.search);
const store = createPlaygroundStore(config, notices);
const worker = new Worker(new URL('../worker/trainingWorker.ts', import.meta.url), { type: 'module', name: 'hnca-training' });
const controller = createPlaygroundController(store, worker);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <PlaygroundStoreContext.Provider value={store}>
      <ControllerContext.Provider value={controller}>
        <App />
      </ControllerContext.Provider>
    </PlaygroundStoreContext.Provider>
  </StrictMode>,
);

// Entry point of learn.html: the classroom view (step-through of one HNCA update and the exact-gradient lab).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'katex/dist/katex.min.css';
import { LearnApp } from './components/LearnApp.tsx';
import { LearnStoreContext } from './components/context.ts';
import { createLearnStore, mirrorToUrl } from './store.ts';
import { rootErrorOptions } from '../rootErrors.ts';
import './learn.css';
import './vae/vae.css';
import { createVaeStore, mirrorVaeToUrl } from './vae/store.ts';
import { VaeStoreContext } from './vae/context.ts';
import { VaeApp } from './vae/VaeApp.tsx';

// learn.html?lesson=vae: the f-HNCA lesson (its own store and URL state); the bandit store
// still provides the shared hover explanation.
const vae = new URLSearchParams(window.location.search).get('lesson') === 'vae';
const store = createLearnStore(vae ? '' : window.location.search);
if (!vae) mirrorToUrl(store);
const vaeStore = vae ? createVaeStore(window.location.search) : null;
if (vaeStore) mirrorVaeToUrl(vaeStore);
const root = document.getElementById('root');
if (!root) throw new Error('learn.html has no #root');
createRoot(root, rootErrorOptions(root, 'The Learn page')).render(
  <StrictMode>
    <LearnStoreContext.Provider value={store}>
      {vaeStore ? (
        <VaeStoreContext.Provider value={vaeStore}>
          <VaeApp />
        </VaeStoreContext.Provider>
      ) : (
        <LearnApp />
      )}
    </LearnStoreContext.Provider>
  </StrictMode>,
);

// Entry point of learn.html: the classroom view (step-through of one HNCA update and the exact-gradient lab).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'katex/dist/katex.min.css';
import { LearnApp } from './components/LearnApp.tsx';
import { LearnStoreContext } from './components/context.ts';
import { createLearnStore, mirrorToUrl } from './store.ts';
import { rootErrorOptions } from '../rootErrors.ts';
import './learn.css';

const store = createLearnStore(window.location.search);
mirrorToUrl(store);
const root = document.getElementById('root');
if (!root) throw new Error('learn.html has no #root');
createRoot(root, rootErrorOptions(root, 'The Learn page')).render(
  <StrictMode>
    <LearnStoreContext.Provider value={store}>
      <LearnApp />
    </LearnStoreContext.Provider>
  </StrictMode>,
);

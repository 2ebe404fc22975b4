// The whole playground on one screen: header, notices, the task's introduction, controls on the
// left and everything else on the right; one column below 800 px (playground.css). Groups named
// in the link's `hide=` are not rendered; `large=1` sets larger type for a projector.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ChartsPanel } from '../charts/ChartsPanel.tsx';
import { usePlayground } from '../store/playgroundStore.ts';
import { ControlsPanel } from './ControlsPanel.tsx';
import { EvaluationPanel } from './EvaluationPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { Header } from './Header.tsx';
import { InsideNetwork } from './InsideNetwork.tsx';
import { Intro } from './Intro.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import { Notices } from './Notices.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TransportBar } from './TransportBar.tsx';
import { useShown } from './useShown.ts';
import { VaeViews } from './VaeViews.tsx';
import { WorkerDead } from './WorkerDead.tsx';

export function App() {
  const shown = useShown();
  const { largeType } = usePlayground(useShallow((s) => ({ largeType: s.config.largeType })));
  // rem-sized type follows the root element's font size
  useEffect(() => {
    document.documentElement.classList.toggle('large-type', largeType);
  }, [largeType]);
  return (
    <div className={shown('notes') ? 'playground' : 'playground hide-notes'}>
      <Header />
      <WorkerDead />
      <Notices />
      <Intro />
      <main className="layout">
        <aside className="controls-column">
          <TransportBar />
          {shown('model') && (
            <div className="model-slot" data-group="model">
              <ModelPanel />
            </div>
          )}
          <ControlsPanel />
        </aside>
        <section className="results-column">
          <StatusBar />
          <ChartsPanel />
          {shown('inside') && (
            <div data-group="inside">
              <InsideNetwork />
            </div>
          )}
          <VaeViews />
          {shown('evaluation') && (
            <div data-group="evaluation">
              <EvaluationPanel />
            </div>
          )}
          {shown('export') && (
            <div data-group="export">
              <ExportPanel />
            </div>
          )}
        </section>
      </main>
    </div>
  );
}

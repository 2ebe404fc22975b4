// The whole playground on one screen: header, notices, the task's introduction, controls on the
// left and everything else on the right; one column below 800 px (playground.css). Each panel in
// its own error boundary (inPanel), so an error stays in its panel. Groups named in the link's
// `hide=` are not rendered; `large=1` sets larger type for a projector.
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
import { FaultProbe, inPanel } from './PanelBoundary.tsx';
import { Notices } from './Notices.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TransportBar } from './TransportBar.tsx';
import { useShown } from './useShown.ts';
import { VaeViews } from './VaeViews.tsx';
import { WorkerDead } from './WorkerDead.tsx';

// each panel inside its error boundary: (id for data-testid, the name its message gives)
const TransportBarInPanel = inPanel('transport', 'run controls', TransportBar);
const ModelPanelInPanel = inPanel('model', 'model panel', ModelPanel);
const ControlsPanelInPanel = inPanel('controls', 'settings panel', ControlsPanel);
const StatusBarInPanel = inPanel('status', 'status bar', StatusBar);
const ChartsPanelInPanel = inPanel('charts', 'charts', ChartsPanel);
const InsideNetworkInPanel = inPanel('inside', 'inside-the-network view', InsideNetwork);
const VaeViewsInPanel = inPanel('vae-views', 'VAE views', VaeViews);
const EvaluationPanelInPanel = inPanel('evaluation', 'evaluation panel', EvaluationPanel);
const ExportPanelInPanel = inPanel('export', 'export panel', ExportPanel);

export function App() {
  const shown = useShown();
  const { largeType } = usePlayground(useShallow((s) => ({ largeType: s.config.largeType })));
  // rem-sized type follows the root element's font size
  useEffect(() => {
    document.documentElement.classList.toggle('large-type', largeType);
  }, [largeType]);
  return (
    <div className={shown('notes') ? 'playground' : 'playground hide-notes'}>
      <FaultProbe id="page" />
      <Header />
      <WorkerDead />
      <Notices />
      <Intro />
      <main className="layout">
        <aside className="controls-column">
          <TransportBarInPanel />
          {shown('model') && (
            <div className="model-slot" data-group="model">
              <ModelPanelInPanel />
            </div>
          )}
          <ControlsPanelInPanel />
        </aside>
        <section className="results-column">
          <StatusBarInPanel />
          <ChartsPanelInPanel />
          {shown('inside') && (
            <div data-group="inside">
              <InsideNetworkInPanel />
            </div>
          )}
          <VaeViewsInPanel />
          {shown('evaluation') && (
            <div data-group="evaluation">
              <EvaluationPanelInPanel />
            </div>
          )}
          {shown('export') && (
            <div data-group="export">
              <ExportPanelInPanel />
            </div>
          )}
        </section>
      </main>
    </div>
  );
}

// The whole playground on one screen: header, notices, controls on the left, everything else on the
// right; each panel in its own error boundary (inPanel), so an error stays in its panel.
import { ChartsPanel } from '../charts/ChartsPanel.tsx';
import { ControlsPanel } from './ControlsPanel.tsx';
import { EvaluationPanel } from './EvaluationPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { Header } from './Header.tsx';
import { InsideNetwork } from './InsideNetwork.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import { FaultProbe, inPanel } from './PanelBoundary.tsx';
import { Notices } from './Notices.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TransportBar } from './TransportBar.tsx';
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
  return (
    <div className="playground">
      <FaultProbe id="page" />
      <Header />
      <WorkerDead />
      <Notices />
      <main className="layout">
        <aside className="controls-column">
          <TransportBarInPanel />
          <ModelPanelInPanel />
          <ControlsPanelInPanel />
        </aside>
        <section className="results-column">
          <StatusBarInPanel />
          <ChartsPanelInPanel />
          <InsideNetworkInPanel />
          <VaeViewsInPanel />
          <EvaluationPanelInPanel />
          <ExportPanelInPanel />
        </section>
      </main>
    </div>
  );
}

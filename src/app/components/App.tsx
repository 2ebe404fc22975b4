// The whole playground on one screen: header, notices, controls on the left, everything else on the
// right; each panel in its own error boundary, so an error stays in its panel (PanelBoundary).
import { ChartsPanel } from '../charts/ChartsPanel.tsx';
import { ControlsPanel } from './ControlsPanel.tsx';
import { EvaluationPanel } from './EvaluationPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { Header } from './Header.tsx';
import { InsideNetwork } from './InsideNetwork.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import { FaultProbe, PanelBoundary } from './PanelBoundary.tsx';
import { Notices } from './Notices.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TransportBar } from './TransportBar.tsx';
import { VaeViews } from './VaeViews.tsx';
import { WorkerDead } from './WorkerDead.tsx';

export function App() {
  return (
    <div className="playground">
      <FaultProbe id="page" />
      <Header />
      <WorkerDead />
      <Notices />
      <main className="layout">
        <aside className="controls-column">
          <PanelBoundary id="transport" name="run controls">
            <TransportBar />
          </PanelBoundary>
          <PanelBoundary id="model" name="model panel">
            <ModelPanel />
          </PanelBoundary>
          <PanelBoundary id="controls" name="settings panel">
            <ControlsPanel />
          </PanelBoundary>
        </aside>
        <section className="results-column">
          <PanelBoundary id="status" name="status bar">
            <StatusBar />
          </PanelBoundary>
          <PanelBoundary id="charts" name="charts">
            <ChartsPanel />
          </PanelBoundary>
          <PanelBoundary id="inside" name="inside-the-network view">
            <InsideNetwork />
          </PanelBoundary>
          <PanelBoundary id="vae-views" name="VAE views">
            <VaeViews />
          </PanelBoundary>
          <PanelBoundary id="evaluation" name="evaluation panel">
            <EvaluationPanel />
          </PanelBoundary>
          <PanelBoundary id="export" name="export panel">
            <ExportPanel />
          </PanelBoundary>
        </section>
      </main>
    </div>
  );
}
